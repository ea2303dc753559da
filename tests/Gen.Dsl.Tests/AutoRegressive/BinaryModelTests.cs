using System;
using System.Linq;
using FsCheck;
using FsCheck.Xunit;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.AutoRegressive;

/// <summary>What MADE, NADE, FVSBN and the LSTM model share as binary density models: the autoregressive law on their logits, and input checks.</summary>
public class BinaryModelTests
{
    private static AutoregressiveBinaryModel Compile(int kind, int features, InputOrder order, int seed) => (kind % 4) switch
    {
        0 => Autoregressive.Made(features, 8, 8).WithOrder(order).WithDegrees(HiddenDegrees.Even).WithActivation(Activation.Tanh).Compile(Device.Cpu, torch.float64, seed),
        1 => Autoregressive.Nade(features, 5).WithOrder(order).Compile(Device.Cpu, torch.float64, seed),
        2 => Autoregressive.Rnn(features, 6).WithOrder(order).WithLayers(1 + (seed & 1)).Compile(Device.Cpu, torch.float64, seed),
        _ => Autoregressive.Fvsbn(features).WithOrder(order).Compile(Device.Cpu, torch.float64, seed),
    };

    [Property(MaxTest = 60)]
    public void Logit_d_depends_on_every_earlier_feature_and_on_nothing_else(NonNegativeInt kind, PositiveInt d, int seed)
    {
        using var scope = torch.NewDisposeScope();
        int features = 1 + (d.Get % 7);
        var order = InputOrder.Random(seed);
        using var model = Compile(kind.Get, features, order, seed);
        DensityChecks.Perturb(model, 0.5, seed);
        var x = torch.bernoulli(torch.full(new long[] { 4, features }, 0.5, dtype: torch.float64), Seed.Generator(seed)).requires_grad_(true);
        var logits = model.Logits(x);
        var o = order.For(features);
        Assert.Equal(o, model.Order);
        for (int p = 0; p < features; p++)
        {
            var grad = torch.autograd.grad(new[] { logits[.., o[p]].sum() }, new[] { x }, retain_graph: true, allow_unused: true)[0];
            // An input the logits never read has no gradient: TorchSharp gives null or an empty handle.
            var size = grad is null || grad.IsInvalid ? new double[features] : grad.abs().sum(dim: 0).data<double>().ToArray();
            for (int q = p; q < features; q++)
            {
                Assert.True(size[o[q]] == 0, $"{model.GetType().Name}: logit at position {p} depends on position {q}");
            }

            // NADE, FVSBN and the LSTM connect every earlier feature, and so does a MADE with even degrees and layers at least D − 1 wide.
            Assert.All(Enumerable.Range(0, p), q => Assert.True(size[o[q]] > 0, $"{model.GetType().Name}: logit at position {p} ignores position {q}"));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Bad_data_is_rejected_by_every_model(int kind)
    {
        using var model = Compile(kind, 3, InputOrder.Natural, 0);
        var name = model.GetType().Name.Replace("Model", "").ToLowerInvariant();
        Assert.Equal($"{name}.log_prob", Assert.Throws<GenShapeException>(() => model.LogProb(torch.zeros(new long[] { 2, 4 }, dtype: torch.float64))).Node);
        Assert.Contains("Float32", Assert.Throws<ArgumentException>(() => model.LogProb(torch.zeros(2, 3))).Message);
        Assert.Contains("is -1", Assert.Throws<ArgumentException>(() => model.Logits(-torch.ones(new long[] { 2, 3 }, dtype: torch.float64))).Message);
        model.CheckValues = false; // the caller vouches for the data: no check, no device read-back
        Assert.Equal(new long[] { 2 }, model.LogProb(-torch.ones(new long[] { 2, 3 }, dtype: torch.float64)).shape);
        model.CheckValues = true;
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(0));
        var s = model.Sample(5, Seed.Generator(0));
        Assert.Equal(new long[] { 5, 3 }, s.shape);
        Assert.Equal(torch.float64, s.dtype);
        Assert.False(s.requires_grad);
    }

    [Fact]
    public void Specs_check_sizes_and_orders_and_print()
    {
        Assert.Equal("nade.hidden", Assert.Throws<GenShapeException>(() => Autoregressive.Nade(4, 0)).Node);
        Assert.Equal("fvsbn.features", Assert.Throws<GenShapeException>(() => Autoregressive.Fvsbn(0)).Node);
        Assert.Equal("nade.order", Assert.Throws<GenShapeException>(() => Autoregressive.Nade(4, 3).WithOrder(InputOrder.Given(0, 1))).Node);
        Assert.Equal("Nade(4; hidden: 3, order: reversed)", Autoregressive.Nade(4, 3).WithOrder(InputOrder.Reversed).ToString());
        Assert.Equal("Fvsbn(5; order: given([4, 3, 2, 1, 0]))", Autoregressive.Fvsbn(5).WithOrder(InputOrder.Given(4, 3, 2, 1, 0)).ToString());
        Assert.Equal(Autoregressive.Fvsbn(5), Autoregressive.Fvsbn(5));
        Assert.Equal(InputOrder.Reversed.For(5), InputOrder.Given(4, 3, 2, 1, 0).For(5));
    }

    [Fact]
    public void Fvsbn_weights_on_and_above_the_diagonal_are_never_used()
    {
        using var model = Autoregressive.Fvsbn(4).Compile(Device.Cpu, torch.float64);
        var x = torch.tensor(new double[] { 1, 0, 1, 1, 0, 1, 1, 0 }).reshape(2, 4);
        var loss = -model.LogProb(x).sum();
        loss.backward();
        var grad = model.parameters().First().grad!;
        Assert.True(grad.triu(0).abs().max().item<double>() == 0);
        Assert.True(grad.tril(-1).abs().sum().item<double>() > 0);
        Assert.True(model.Weight().triu(0).abs().max().item<double>() == 0);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(70)] // blocks of 32, 32 and 6 positions
    public void Nade_matches_its_definition_computed_one_conditional_at_a_time(int features)
    {
        // The blockwise evaluation must equal σ(b_i + V_i·σ(c + W_{:,<i} x_<i)) computed directly, across block edges.
        using var model = Autoregressive.Nade(features, 4).WithOrder(InputOrder.Random(3)).Compile(Device.Cpu, torch.float64, seed: 3);
        DensityChecks.Perturb(model, 0.5, 4);
        var p = model.named_parameters().ToDictionary(t => t.name, t => t.parameter);
        var x = torch.bernoulli(torch.full(new long[] { 3, features }, 0.5, dtype: torch.float64), Seed.Generator(5));
        var o = model.Order;
        var logits = model.Logits(x);
        var a = p["c"].expand(3, -1);
        for (int i = 0; i < features; i++)
        {
            var expected = torch.sigmoid(a).matmul(p["v"][i]) + p["b"][i];
            Assert.True(logits[.., o[i]].allclose(expected, 1e-12, 1e-12), $"position {i}");
            a = a + (x[.., o[i]].unsqueeze(1) * p["w"][.., i]);
        }
    }

    [Fact]
    public void A_nade_logit_is_bit_for_bit_independent_of_its_own_and_later_features_in_single_precision()
    {
        // Gradients cannot see rounding: flipping x_i (or anything after it) must leave logit i exactly as it was, which a
        // prefix sum formed as cumsum − contribution does not guarantee (with it, 18 of these 200 logits moved).
        const int D = 200;
        using var model = Autoregressive.Nade(D, 16).Compile(Device.Cpu, torch.float32, seed: 7);
        DensityChecks.Perturb(model, 5.0, 8);
        var x = torch.bernoulli(torch.full(new long[] { 1, D }, 0.5f), Seed.Generator(9));
        var logits = model.Logits(x);
        var o = model.Order;
        int moved = 0;
        for (int i = 0; i < D; i++)
        {
            var flipped = x.clone();
            flipped[0, o[i]] = 1 - flipped[0, o[i]];
            if (!model.Logits(flipped)[0, o[i]].equal(logits[0, o[i]]).item<bool>())
            {
                moved++;
            }
        }

        Assert.Equal(0, moved);
    }
}
