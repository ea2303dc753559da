using System;
using System.Linq;
using Gen.Probability.Bijectors;
using TorchSharp;
using static Gen.Probability.Tests.Bijectors.BijectorFixtures;

namespace Gen.Probability.Tests.Bijectors;

/// <summary>
/// A small random float64 MADE-style conditioner, written out here with its own masks so the bijectors are tested
/// against a conditioner that does not come from the code under test.
/// </summary>
internal static class AutoregressiveFixtures
{
    /// <summary>A random order of <paramref name="features"/> features: position p holds feature order[p].</summary>
    public static long[] Order(int seed, long features)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, (int)features).Select(i => (long)i).OrderBy(_ => rng.Next()).ToArray();
    }

    /// <summary>One tanh hidden layer of 8 units with degrees in 1..D−1; output i sees hidden units of degree below i's position + 1.</summary>
    public static Func<torch.Tensor, AffineParameters> Conditioner(int seed, long[] order)
    {
        const int hidden = 8;
        int d = order.Length;
        var g = Rng(seed + 4);
        var rng = new Random(seed);
        var degree = new int[d];
        for (int p = 0; p < d; p++)
        {
            degree[order[p]] = p + 1;
        }

        var hiddenDegree = Enumerable.Range(0, hidden).Select(_ => d > 1 ? rng.Next(1, d) : 1).ToArray();
        var m1 = torch.tensor(Enumerable.Range(0, hidden * d).Select(k => hiddenDegree[k / d] >= degree[k % d] ? 1.0 : 0.0).ToArray()).reshape(hidden, d);
        var m2 = torch.tensor(Enumerable.Range(0, d * hidden).Select(k => degree[k / hidden] > hiddenDegree[k % hidden] ? 1.0 : 0.0).ToArray()).reshape(d, hidden);
        var w1 = torch.randn(new long[] { hidden, d }, dtype: torch.float64, generator: g) * m1;
        var b1 = torch.randn(hidden, dtype: torch.float64, generator: g);
        var wt = 0.5 * torch.randn(new long[] { d, hidden }, dtype: torch.float64, generator: g) * m2;
        var ws = 0.5 * torch.randn(new long[] { d, hidden }, dtype: torch.float64, generator: g) * m2;
        var bt = torch.randn(d, dtype: torch.float64, generator: g);
        var bs = 0.5 * torch.randn(d, dtype: torch.float64, generator: g);
        return x =>
        {
            var h = torch.tanh(x.matmul(w1.t()) + b1);
            return new AffineParameters(h.matmul(wt.t()) + bt, StableLogScale.FromUnconstrained(h.matmul(ws.t()) + bs));
        };
    }

    /// <summary>The Jacobian ∂f(x)/∂x from autograd, shape [batch, D, D] (row = output).</summary>
    public static torch.Tensor Jacobian(Func<torch.Tensor, torch.Tensor> f, torch.Tensor x)
    {
        var input = x.detach().clone().requires_grad_(true);
        var y = f(input);
        var rows = Enumerable.Range(0, (int)y.shape[1])
            .Select(j => torch.autograd.grad(new[] { y[.., j].sum() }, new[] { input }, retain_graph: true)[0])
            .ToArray();
        return torch.stack(rows, 1);
    }

    /// <summary>The Jacobian with rows and columns put in <paramref name="order"/>.</summary>
    public static torch.Tensor InOrder(torch.Tensor jacobian, long[] order)
    {
        var idx = torch.tensor(order);
        return jacobian.index_select(1, idx).index_select(2, idx);
    }
}
