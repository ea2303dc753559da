using System;
using System.Linq;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Probability;

/// <summary>The analytic KL divergences registered with <see cref="Kl"/> at start-up.</summary>
internal static class KlRules
{
    internal static void RegisterBuiltIns()
    {
        Kl.Register<Normal, Normal>(NormalNormal);
        Kl.Register<Independent, Independent>(IndependentIndependent);
        Kl.Register<Bernoulli, Bernoulli>(BernoulliBernoulli);
        Kl.Register<Categorical, Categorical>((p, q) => CategoricalCategorical(p, q));
        Kl.Register<OneHotCategorical, OneHotCategorical>((p, q) => CategoricalCategorical(p.Categorical, q.Categorical));
        Kl.Register<Uniform, Normal>(UniformNormal);
        Kl.Register<Laplace, Laplace>(LaplaceLaplace);
        Kl.Register<Exponential, Exponential>((p, q) => (p.Rate / q.Rate).log() + q.Rate / p.Rate - 1);
        Kl.Register<Poisson, Poisson>(PoissonPoisson);
        Kl.Register<MultivariateNormal, MultivariateNormal>(MvnMvn);
        Kl.Register<Gamma, Gamma>(GammaGamma);
        Kl.Register<Beta, Beta>(BetaBeta);
        Kl.Register<Dirichlet, Dirichlet>(DirichletDirichlet);
    }

    private static torch.Tensor NormalNormal(Normal p, Normal q)
    {
        var ratio = (p.Scale / q.Scale).square();
        var t = ((p.Loc - q.Loc) / q.Scale).square();
        return 0.5 * (ratio + t - 1 - ratio.log());
    }

    private static torch.Tensor IndependentIndependent(Independent p, Independent q)
    {
        if (p.ReinterpretedBatchDims != q.ReinterpretedBatchDims)
        {
            throw new NotSupportedException($"KL(Independent ‖ Independent) needs the same number of reinterpreted dimensions, got {p.ReinterpretedBatchDims} and {q.ReinterpretedBatchDims}.");
        }

        return Reduce.SumRightmost(Kl.Divergence(p.Base, q.Base), p.ReinterpretedBatchDims);
    }

    private static torch.Tensor BernoulliBernoulli(Bernoulli p, Bernoulli q)
    {
        // p (log p − log q) + (1 − p)(log(1 − p) − log(1 − q)), each term 0 where its weight is 0.
        var pr = p.Probs;
        var t1 = DistMath.Weighted(pr, p.LogP - q.LogP);
        var t0 = DistMath.Weighted(1 - pr, p.Log1mP - q.Log1mP);
        return t1 + t0;
    }

    private static torch.Tensor CategoricalCategorical(Categorical p, Categorical q) =>
        DistMath.Weighted(p.Probs, p.Logits - q.Logits).sum(-1);

    private static torch.Tensor UniformNormal(Uniform p, Normal q)
    {
        var width = p.High - p.Low;
        var secondMoment = width.square() / 12 + ((p.High + p.Low) / 2 - q.Loc).square();
        return -width.log() + q.Scale.log() + 0.5 * DistMath.Log2Pi + secondMoment / (2 * q.Scale.square());
    }

    private static torch.Tensor LaplaceLaplace(Laplace p, Laplace q)
    {
        var d = (p.Loc - q.Loc).abs();
        return (q.Scale / p.Scale).log() + d / q.Scale + p.Scale / q.Scale * (-d / p.Scale).exp() - 1;
    }

    private static torch.Tensor PoissonPoisson(Poisson p, Poisson q) =>
        torch.xlogy(p.Rate, p.Rate) - torch.xlogy(p.Rate, q.Rate) - p.Rate + q.Rate;

    private static torch.Tensor MvnMvn(MultivariateNormal p, MultivariateNormal q)
    {
        long d = p.EventShape[0];
        if (q.EventShape[0] != d)
        {
            throw new GenShapeException("kl", $"KL between multivariate normals of dimensions {d} and {q.EventShape[0]}.");
        }

        // tr(Σq⁻¹ Σp) = |Lq⁻¹ Lp|²_F, and the Mahalanobis term through the same solve.
        var batch = Shape.Broadcast(p.BatchShape, q.BatchShape, "kl");
        var matrix = batch.Concat(new[] { d, d }).ToArray();
        var m = torch.linalg.solve_triangular(q.ScaleTril.expand(matrix), p.ScaleTril.expand(matrix), upper: false);
        var trace = m.square().sum(new long[] { -2, -1 });
        var maha = MultivariateNormal.Mahalanobis(q.ScaleTril, q.Loc - p.Loc);
        var logDets = MultivariateNormal.HalfLogDet(q.ScaleTril) - MultivariateNormal.HalfLogDet(p.ScaleTril);
        return 0.5 * (trace + maha - d) + logDets;
    }

    private static torch.Tensor GammaGamma(Gamma p, Gamma q)
    {
        var ap = p.Concentration;
        var aq = q.Concentration;
        return (ap - aq) * ap.digamma() - ap.lgamma() + aq.lgamma() + aq * (p.Rate.log() - q.Rate.log()) + ap * (q.Rate - p.Rate) / p.Rate;
    }

    private static torch.Tensor BetaBeta(Beta p, Beta q)
    {
        var a = p.Concentration1;
        var b = p.Concentration0;
        var c = q.Concentration1;
        var e = q.Concentration0;
        return DistMath.LogBeta(c, e) - DistMath.LogBeta(a, b) + (a - c) * a.digamma() + (b - e) * b.digamma() + (c - a + e - b) * (a + b).digamma();
    }

    private static torch.Tensor DirichletDirichlet(Dirichlet p, Dirichlet q)
    {
        var a = p.Concentration;
        var b = q.Concentration;
        var a0 = a.sum(-1, keepdim: true);
        return Dirichlet.LogNormaliser(b) - Dirichlet.LogNormaliser(a) + ((a - b) * (a.digamma() - a0.digamma())).sum(-1);
    }
}
