using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.PixelCnn;

public class PixelCnnModelTests
{
    /// <summary>Moves the weights off their initialisation so that the density is far from uniform.</summary>
    internal static void Perturb(torch.nn.Module model, double scale, long seed)
    {
        using var noGrad = torch.no_grad();
        var g = Gen.Seed.Generator(seed);
        foreach (var p in model.parameters())
        {
            p.add_(torch.randn(p.shape, dtype: p.dtype, generator: g) * scale);
        }
    }

    [Fact]
    public void A_binary_two_by_two_model_normalises_and_samples_match_its_density()
    {
        using var model = Autoregressive.PixelCnn(1, 2, 2).WithFilters(4).WithResidualBlocks(1).Compile(Device.Cpu, torch.float64, seed: 0);
        Perturb(model, 0.7, 1);
        var g = Gen.Seed.Generator(2);
        PixelEnumeration.AssertSamplesMatchDensity(model.LogProb, n => model.Sample(n, g), 1, 2, 2, 2, 20000);
    }

    [Fact]
    public void A_two_channel_categorical_model_normalises_and_samples_channel_by_channel()
    {
        using var model = Autoregressive.PixelCnn(2, 1, 2).WithFilters(4).WithResidualBlocks(1).WithHead(PixelHead.Categorical(3))
            .Compile(Device.Cpu, torch.float64, seed: 0);
        Perturb(model, 0.7, 3);
        var g = Gen.Seed.Generator(4);
        PixelEnumeration.AssertSamplesMatchDensity(model.LogProb, n => model.Sample(n, g), 2, 1, 2, 3, 30000);
    }

    [Fact]
    public void An_eight_bit_model_gives_finite_log_probs_and_samples_integers_in_range()
    {
        using var model = Autoregressive.PixelCnn(3, 3, 3).WithFilters(12).WithHead(PixelHead.Categorical()).Compile(Device.Cpu, seed: 0);
        var x = model.Sample(4, Gen.Seed.Generator(0));
        Assert.Equal(torch.float32, x.dtype);
        Assert.True(x.ge(0).logical_and(x.le(255)).logical_and(x.eq(x.round())).all().item<bool>());
        var lp = model.LogProb(x);
        Assert.Equal(new long[] { 4 }, lp.shape);
        Assert.True(lp.isfinite().all().item<bool>());
        // At initialisation the logits are small, so the likelihood is near uniform: 27 channels × log 256.
        Assert.InRange(-lp.mean().ToDouble(), 27 * Math.Log(256) - 10, 27 * Math.Log(256) + 10);
    }

    [Fact]
    public void Forward_is_the_log_likelihood_and_it_has_gradients()
    {
        using var model = Autoregressive.PixelCnn(1, 5, 4).WithFilters(6).Compile(Device.Cpu, seed: 0);
        var x = torch.randint(2, new long[] { 3, 1, 5, 4 }, generator: Gen.Seed.Generator(1)).to_type(torch.float32);
        Assert.True(model.forward(x).allclose(model.LogProb(x), 0, 0));
        (-model.LogProb(x).mean()).backward();
        Assert.All(model.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void Masked_taps_stay_zero_and_masks_follow_the_module()
    {
        using var model = Autoregressive.PixelCnn(1, 4, 4).WithFilters(4).WithResidualBlocks(1).Compile(Device.Cpu, torch.float64, seed: 0);
        var buffers = model.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        Assert.Equal(
            new[] { "blocks.0.conv.mask", "blocks.0.down.mask", "blocks.0.up.mask", "input.mask", "output1.mask", "output2.mask" },
            buffers.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(buffers.Values, b => Assert.Equal(torch.float64, b.dtype));
        var names = model.named_parameters().Select(p => p.name).ToArray();
        Assert.Contains("input.conv.weight", names);
        Assert.Contains("output2.conv.bias", names);
    }

    [Fact]
    public void Spec_errors_name_the_field_and_the_value()
    {
        var e1 = Assert.Throws<GenShapeException>(() => Autoregressive.PixelCnn(1, 28, 28).WithFilters(7));
        Assert.Equal("pixel_cnn.filters", e1.Node);
        Assert.Contains("7", e1.Message);
        var e2 = Assert.Throws<GenShapeException>(() => Autoregressive.PixelCnn(3, 8, 8).WithFilters(4));
        Assert.Contains("3 colour channel", e2.Message);
        Assert.Equal("pixel_cnn.height", Assert.Throws<GenShapeException>(() => Autoregressive.PixelCnn(1, 0, 8)).Node);
        Assert.Equal("pixel_cnn.residual_blocks", Assert.Throws<GenShapeException>(() => Autoregressive.PixelCnn(1, 8, 8).WithResidualBlocks(-1)).Node);
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelHead.Categorical(1));
    }

    [Fact]
    public void Bad_images_get_clear_errors()
    {
        using var model = Autoregressive.PixelCnn(1, 4, 4).WithFilters(4).Compile(Device.Cpu);
        var e1 = Assert.Throws<GenShapeException>(() => model.LogProb(torch.zeros(2, 1, 4, 5)));
        Assert.Contains("[2, 1, 4, 5]", e1.Message);
        Assert.Contains("[batch, 1, 4, 4]", e1.Message);
        Assert.Throws<GenShapeException>(() => model.LogProb(torch.zeros(16)));
        var e2 = Assert.Throws<ArgumentException>(() => model.LogProb(torch.zeros(new long[] { 2, 1, 4, 4 }, dtype: torch.float64)));
        Assert.Contains("Float64", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => model.LogProb(torch.full(new long[] { 2, 1, 4, 4 }, 0.5f)));
        Assert.Contains("{0, 1}", e3.Message);
        using var eightBit = Autoregressive.PixelCnn(1, 4, 4).WithFilters(4).WithHead(PixelHead.Categorical()).Compile(Device.Cpu);
        var e4 = Assert.Throws<ArgumentException>(() => eightBit.LogProb(torch.full(new long[] { 2, 1, 4, 4 }, 256f)));
        Assert.Contains("0 … 255", e4.Message);
        Assert.Throws<ArgumentException>(() => eightBit.LogProb(torch.full(new long[] { 2, 1, 4, 4 }, float.NaN)));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(0));

        // Without the value check (no read-back from the device), shape, dtype and device are still checked.
        model.CheckValues = false;
        Assert.Equal(new long[] { 2 }, model.LogProb(torch.full(new long[] { 2, 1, 4, 4 }, 0.5f)).shape);
        Assert.Throws<GenShapeException>(() => model.LogProb(torch.zeros(2, 1, 4, 5)));
    }

    [Fact]
    public void Training_and_sampling_leave_no_tensors_behind()
    {
        using var model = Autoregressive.PixelCnn(1, 4, 4).WithFilters(4).WithResidualBlocks(1).Compile(Device.Cpu, seed: 0);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        var x = torch.randint(2, new long[] { 8, 1, 4, 4 }, generator: Gen.Seed.Generator(0)).to_type(torch.float32);
        void Round()
        {
            using var scope = torch.NewDisposeScope();
            var loss = -model.LogProb(x).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            model.Sample(2);
        }

        Round();
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++)
        {
            Round();
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Specs_have_value_equality_print_their_shape_and_compile_repeatably()
    {
        var spec = Autoregressive.PixelCnn(1, 28, 28).WithFilters(32).WithResidualBlocks(3);
        Assert.Equal(spec, Autoregressive.PixelCnn(1, 28, 28).WithResidualBlocks(3).WithFilters(32));
        Assert.NotEqual(spec, spec.WithHead(PixelHead.Categorical()));
        Assert.Equal(spec.WithHead(PixelHead.Categorical(17)), spec.WithHead(PixelHead.Categorical(17)));
        Assert.Equal("PixelCnn(1×28×28; 7×7 mask A, 3 residual blocks, 32 filters; Bernoulli head)", spec.ToString());
        Assert.Contains("Categorical(256) head", spec.WithHead(PixelHead.Categorical()).ToString());

        var small = Autoregressive.PixelCnn(1, 4, 4).WithFilters(4);
        using var a = small.Compile(Device.Cpu, seed: 5);
        using var b = small.Compile(Device.Cpu, seed: 5);
        Assert.All(a.parameters().Zip(b.parameters()), p => Assert.True(p.First.allclose(p.Second, 0, 0)));
    }
}
