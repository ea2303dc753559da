using System;
using System.Linq;
using FsCheck;
using FsCheck.Xunit;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.AutoRegressive;

/// <summary>The autoregressive law for MADE, over random orders, sizes, depths, output multiplicities, contexts and masks.</summary>
public class MadeStructureTests
{
    private static InputOrder PickOrder(int kind, int seed, int d) => (kind % 4) switch
    {
        0 => InputOrder.Natural,
        1 => InputOrder.Reversed,
        2 => InputOrder.Random(seed),
        _ => InputOrder.Given(Enumerable.Range(0, d).OrderBy(i => new Random(seed + i).Next()).ToArray()),
    };

    /// <summary>|∂out[:, d, k]/∂x| summed over the batch: [D, K, D], and the same for the context: [D, K, C].</summary>
    private static (double[,,] Inputs, double[,,] Context) Gradients(Made net, torch.Tensor x, torch.Tensor? context)
    {
        var xi = x.requires_grad_(true);
        var ci = context?.requires_grad_(true);
        var output = net.Forward(xi, ci);
        long d = net.Features, k = net.OutputsPerFeature, c = net.ContextFeatures;
        var gx = new double[d, k, d];
        var gc = new double[d, k, Math.Max(c, 1)];
        for (long i = 0; i < d; i++)
        {
            for (long j = 0; j < k; j++)
            {
                var wrt = ci is null ? new[] { xi } : new[] { xi, ci };
                var grads = torch.autograd.grad(new[] { output[.., i, j].sum() }, wrt, retain_graph: true, allow_unused: true);
                for (long m = 0; m < d; m++)
                {
                    gx[i, j, m] = grads[0] is null ? 0 : grads[0][.., m].abs().sum().item<double>();
                }

                for (long m = 0; m < c; m++)
                {
                    gc[i, j, m] = grads[1] is null ? 0 : grads[1][.., m].abs().sum().item<double>();
                }
            }
        }

        return (gx, gc);
    }

    [Property(MaxTest = 60)]
    public void Output_d_depends_exactly_on_the_reachable_earlier_inputs(
        int seed, PositiveInt features, PositiveInt depth, PositiveInt outputs, NonNegativeInt contextWidth,
        NonNegativeInt orderKind, bool evenDegrees, NonNegativeInt maskSteps, bool direct)
    {
        using var scope = torch.NewDisposeScope();
        int d = 1 + (features.Get % 7);
        var rng = new Random(seed);
        var hidden = Enumerable.Range(0, 1 + (depth.Get % 3)).Select(_ => rng.Next(1, 13)).ToArray();
        int k = 1 + (outputs.Get % 3);
        int c = contextWidth.Get % 3;
        var order = PickOrder(orderKind.Get, seed, d);
        var degrees = evenDegrees ? HiddenDegrees.Even : HiddenDegrees.Random(seed);
        int masks = order.IsRandom || degrees.IsRandom ? 3 : 1;
        var spec = Autoregressive.Made(d, hidden).WithOrder(order).WithDegrees(degrees).WithOutputsPerFeature(k)
            .WithContext(c).WithMasks(masks).WithActivation(Activation.Tanh).WithDirectConnections(direct);

        using var net = spec.CompileNetwork(Device.Cpu, torch.float64, seed);
        for (int s = 0; s < maskSteps.Get % 3; s++)
        {
            net.NextMask();
        }

        var g = Seed.Generator(seed);
        var x = torch.randn(new long[] { 3, d }, dtype: torch.float64, generator: g);
        var context = c > 0 ? torch.randn(new long[] { 3, c }, dtype: torch.float64, generator: g) : null;
        var (gx, gc) = Gradients(net, x, context);
        var reachable = net.Reachable();
        var position = new int[d];
        var o = net.Order;
        for (int p = 0; p < d; p++)
        {
            position[o[p]] = p;
        }

        if (net.CurrentMask == 0)
        {
            Assert.Equal(order.For(d), o);
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < k; j++)
            {
                for (int m = 0; m < d; m++)
                {
                    if (position[m] >= position[i])
                    {
                        Assert.True(gx[i, j, m] == 0, $"output {i}.{j} (position {position[i]}) depends on input {m} (position {position[m]}); order [{string.Join(", ", o)}], {spec}");
                    }
                    else
                    {
                        // With tanh units and random weights, a path through the masks gives a non-zero gradient.
                        bool connected = reachable[i, m].item<double>() > 0;
                        Assert.True(connected == (gx[i, j, m] != 0), $"output {i}.{j}, input {m}: connected {connected}, gradient {gx[i, j, m]}; {spec}");
                    }
                }

                for (int m = 0; m < c; m++)
                {
                    Assert.True(gc[i, j, m] > 0, $"output {i}.{j} ignores context feature {m}; {spec}");
                }
            }
        }

        // Evenly spread degrees over layers at least D − 1 wide connect every output to every earlier input, and so do
        // direct connections.
        if (direct || (evenDegrees && hidden.All(h => h >= d - 1)))
        {
            for (int i = 0; i < d; i++)
            {
                for (int m = 0; m < d; m++)
                {
                    Assert.Equal(position[m] < position[i], reachable[i, m].item<double>() > 0);
                }
            }
        }
    }

    [Fact]
    public void Random_degrees_follow_the_paper_each_layer_at_least_the_previous_minimum()
    {
        var layers = HiddenDegrees.Random(3).Assign(new[] { 50, 40, 30 }, 10, 0);
        int low = 1;
        foreach (var layer in layers)
        {
            Assert.All(layer, k => Assert.InRange(k, low, 9));
            low = layer.Min();
        }

        Assert.True(layers[0].Distinct().Count() > 5, "50 draws from 1..9 should use most degrees");
        var even = HiddenDegrees.Even.Assign(new[] { 18 }, 10, 0)[0];
        Assert.Equal(Enumerable.Range(0, 18).Select(i => 1 + (i % 9)), even);
    }

    [Fact]
    public void A_single_feature_has_a_constant_conditional_that_still_reads_the_context()
    {
        using var net = Autoregressive.Made(1, 4).WithContext(2).WithActivation(Activation.Tanh).CompileNetwork(Device.Cpu, torch.float64, 0);
        var x = torch.randn(new long[] { 5, 1 }, dtype: torch.float64, generator: Seed.Generator(1));
        var c = torch.randn(new long[] { 5, 2 }, dtype: torch.float64, generator: Seed.Generator(2));
        var a = net.Forward(x, c);
        var b = net.Forward(torch.zeros_like(x), c);
        Assert.True(a.allclose(b, 0, 0));
        Assert.False(a.allclose(net.Forward(x, c * 2), 0, 0));
    }
}
