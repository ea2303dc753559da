using System;
using FsCheck;
using FsCheck.Xunit;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Bijectors.AutoregressiveFixtures;
using static Gen.Probability.Tests.Bijectors.BijectorFixtures;

namespace Gen.Probability.Tests.Bijectors;

public class AutoregressiveBijectorTests
{
    private static long Features(PositiveInt n) => 1 + (n.Get % 6);

    private static long Batch(PositiveInt n) => 1 + (n.Get % 4);

    private static IBijector Make(bool inverse, int seed, long[] order)
    {
        var conditioner = Conditioner(seed, order);
        return inverse ? new InverseAutoregressive(conditioner) : new MaskedAutoregressive(conditioner);
    }

    [Property(MaxTest = 30)]
    public void Maf_and_iaf_satisfy_the_bijector_laws(int seed, PositiveInt d, PositiveInt b, bool inverse)
    {
        using var scope = torch.NewDisposeScope();
        var order = Order(seed, Features(d));
        var x = Input(seed, Batch(b), Features(d));
        var f = Make(inverse, seed, order);
        BijectorLaws.All(f, x, 1e-8);
        BijectorLaws.All(f.Inverted(), x, 1e-8);
    }

    [Property(MaxTest = 30)]
    public void Jacobians_are_triangular_in_the_conditioner_order_with_diagonal_exp_s(int seed, PositiveInt d, PositiveInt b, bool inverse)
    {
        using var scope = torch.NewDisposeScope();
        var order = Order(seed, Features(d));
        var x = Input(seed, Batch(b), Features(d));
        var f = Make(inverse, seed, order);
        foreach (var map in new Func<torch.Tensor, torch.Tensor>[] { f.Forward, f.Inverse })
        {
            var j = InOrder(Jacobian(map, x), order);
            Assert.True(j.triu(1).abs().max().item<double>() == 0, $"entries above the diagonal in order [{string.Join(", ", order)}]:\n{j.ToString(TensorStringStyle.Numpy)}");
            Assert.True(j.diagonal(0, 1, 2).abs().min().item<double>() > 0);
        }
    }

    [Fact]
    public void Maf_density_needs_one_pass_and_sampling_d_passes_and_iaf_the_reverse()
    {
        var order = new long[] { 2, 0, 3, 1 };
        var inner = Conditioner(1, order);
        int calls = 0;
        AffineParameters Counting(torch.Tensor x)
        {
            calls++;
            return inner(x);
        }

        var x = Input(1, 3, 4);
        int Passes(Action run)
        {
            calls = 0;
            run();
            return calls;
        }

        var maf = new MaskedAutoregressive(Counting);
        var iaf = new InverseAutoregressive(Counting);
        Assert.Equal(1, Passes(() => maf.InverseAndLogDet(x)));
        Assert.Equal(4, Passes(() => maf.ForwardAndLogDet(x)));
        Assert.Equal(1, Passes(() => iaf.ForwardAndLogDet(x)));
        Assert.Equal(4, Passes(() => iaf.InverseAndLogDet(x)));
    }

    [Fact]
    public void Stable_log_scale_is_zero_at_zero_and_bounded_below()
    {
        var raw = torch.tensor(new[] { -1e4, 0.0, 50.0 }, dtype: torch.float64);
        var s = StableLogScale.FromUnconstrained(raw);
        Assert.Equal(Math.Log(StableLogScale.MinScale), s[0].item<double>(), 9);
        Assert.Equal(0.0, s[1].item<double>(), 12);
        Assert.True(s[2].item<double>() < Math.Log(51));
        var f = StableLogScale.FromUnconstrained(torch.zeros(2, dtype: torch.float32));
        Assert.Equal(torch.float32, f.dtype);
    }

    [Fact]
    public void A_network_of_the_wrong_output_shape_is_named_in_the_error()
    {
        var net = torch.nn.Linear(3, 6, dtype: torch.float64);
        var maf = MaskedAutoregressive.FromNetwork(net);
        var e = Assert.Throws<GenShapeException>(() => maf.InverseAndLogDet(torch.zeros(new long[] { 2, 3 }, dtype: torch.float64)));
        Assert.Equal("masked_autoregressive.network", e.Node);
        Assert.Contains("[2, 3, 2]", e.Message);
        Assert.Contains("[2, 6]", e.Message);
    }

    [Fact]
    public void A_network_mapping_to_shift_and_raw_log_scale_builds_both_layers()
    {
        // A zero network is the identity for both (raw log-scale 0 maps to scale 1).
        var net = new Zero();
        var x = Input(3, 2, 3);
        foreach (IBijector f in new IBijector[] { MaskedAutoregressive.FromNetwork(net), InverseAutoregressive.FromNetwork(net) })
        {
            var t = f.ForwardAndLogDet(x);
            Assert.True(torch.allclose(t.Value, x, rtol: 0, atol: 1e-12));
            Assert.True(torch.allclose(t.LogDet, torch.zeros(2, dtype: torch.float64), rtol: 0, atol: 1e-12));
        }
    }

    private sealed class Zero() : torch.nn.Module<torch.Tensor, torch.Tensor>("zero")
    {
        public override torch.Tensor forward(torch.Tensor input) => torch.zeros(input.shape[0], input.shape[1], 2, dtype: input.dtype);
    }
}
