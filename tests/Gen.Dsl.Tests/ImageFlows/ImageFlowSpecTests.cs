using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>Building image flows: shapes are checked as steps are added, errors name the step and the shapes, specs print as trees.</summary>
public class ImageFlowSpecTests
{
    private static GenShapeException Fails(Func<object> build) => Assert.Throws<GenShapeException>(build);

    [Fact]
    public void Squeezing_an_odd_height_names_the_step_and_the_shape()
    {
        var e = Fails(() => ImageFlow.Over(1, 5, 4).Then(ImageBij.ActNorm()).Then(ImageBij.Squeeze()));
        Assert.Equal("flow.steps[1]", e.Node);
        Assert.Contains("even height and width", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 5, 4]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Glow_on_images_that_do_not_halve_at_every_level_names_the_failing_squeeze()
    {
        // 6×6 → squeeze → [4, 3, 3]: the second level's squeeze cannot halve 3.
        var e = Fails(() => ImageFlow.Glow(1, 6, 6, levels: 2, stepsPerLevel: 1, hidden: 4));
        Assert.Equal("flow.steps[5]", e.Node);
        Assert.Contains("[2, 3, 3]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_channel_mask_or_factor_out_over_an_odd_channel_count_says_to_squeeze_first()
    {
        var mask = Fails(() => ImageFlow.Over(3, 4, 4).Then(ImageBij.AffineCoupling(ImageMask.Channel(), Net.ConvResNet(4, 1))));
        Assert.Equal("flow.steps[0].mask", mask.Node);
        Assert.Contains("[3, 4, 4]", mask.Message, StringComparison.Ordinal);
        Assert.Contains("squeeze first", mask.Message, StringComparison.Ordinal);

        var split = Fails(() => ImageFlow.Over(1, 4, 4).Then(ImageBij.FactorOut()));
        Assert.Equal("flow.steps[0]", split.Node);
        Assert.Contains("even channel count", split.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 4, 4]", split.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkerboard_over_a_single_pixel_and_bad_network_sizes_are_rejected()
    {
        var one = Fails(() => ImageFlow.Over(1, 2, 2).Then(ImageBij.Squeeze()).Then(ImageBij.AffineCoupling(ImageMask.Checkerboard(), Net.ConvResNet(4, 0))));
        Assert.Equal("flow.steps[1].mask", one.Node);
        Assert.Contains("[4, 1, 1]", one.Message, StringComparison.Ordinal);

        Assert.Equal("conv_resnet.hidden", Fails(() => Net.ConvResNet(0, 1)).Node);
        Assert.Equal("conv_resnet.blocks", Fails(() => Net.ConvResNet(8, -1)).Node);
        var unchecked_ = new CouplingSpec(ImageMask.Checkerboard(), new ConvResNetSpec(-2, 0, Activation.Relu), Univariate.Shift());
        Assert.Equal("flow.steps[0].net.hidden", Fails(() => ImageFlow.Over(1, 4, 4).Then(unchecked_)).Node);
        Assert.Equal("flow", Fails(() => ImageFlow.Over(0, 4, 4)).Node);
        Assert.Equal("flow.levels", Fails(() => ImageFlow.Glow(1, 4, 4, 0, 1, 4)).Node);
    }

    [Fact]
    public void Bad_preprocessing_values_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImagePreprocessing.Logit(256, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImagePreprocessing.Logit(256, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImagePreprocessing.Centred(1));
    }

    [Fact]
    public void Log_prob_of_images_of_another_shape_dtype_or_device_names_the_model()
    {
        using var model = ImageFlow.Glow(1, 4, 4, levels: 1, stepsPerLevel: 1, hidden: 4).Compile(Device.Cpu);
        var shape = Assert.Throws<GenShapeException>(() => model.LogProb(torch.zeros(2, 1, 4, 5)));
        Assert.Contains("flow.log_prob", shape.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 4, 4]", shape.Message, StringComparison.Ordinal);
        var dtype = Assert.Throws<ArgumentException>(() => model.LogProb(torch.zeros(new long[] { 2, 1, 4, 4 }, dtype: torch.float64)));
        Assert.Contains("Float32", dtype.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pixels_outside_the_preprocessings_range_are_refused_before_they_reach_the_model()
    {
        // The logit preprocessing of a value outside its domain is NaN, and the first batch would initialise the
        // activation normalisations from it, spoiling the model for every later batch.
        using var model = ImageFlow.Glow(1, 4, 4, levels: 1, stepsPerLevel: 1, hidden: 4).WithPreprocessing(ImagePreprocessing.Logit(17, alpha: 0.05)).Compile(Device.Cpu, seed: 0);
        var digits = torch.arange(16, dtype: torch.float32).reshape(1, 1, 4, 4);
        var tooBright = Assert.Throws<ArgumentException>(() => model.LogProbDequantized(digits * 2, Seed.Generator(1)));
        Assert.Contains("integer pixel values in [0, 16]", tooBright.Message, StringComparison.Ordinal);
        Assert.Contains("to 30", tooBright.Message, StringComparison.Ordinal);
        // The logit map is defined on [0, 17] widened by 0.05·17/0.9 = 0.9444 on each side.
        var dark = Assert.Throws<ArgumentException>(() => model.LogProb(digits - 3));
        Assert.Contains("[-0.944444, 17.9444]", dark.Message, StringComparison.Ordinal);

        // Nothing was initialised from the refused batches: valid pixels score finitely afterwards, up to the domain's edge.
        Assert.True(model.LogProbDequantized(digits, Seed.Generator(1)).isfinite().all().item<bool>());
        Assert.True(model.LogProb(torch.full(new long[] { 1, 1, 4, 4 }, 17.9f)).isfinite().all().item<bool>());

        model.CheckValues = false;
        Assert.True(model.LogProb(digits * 2).isnan().any().item<bool>(), "unchecked, the logit of an out-of-range value is NaN");
    }

    [Fact]
    public void A_spec_prints_as_a_tree_with_the_shape_after_each_step()
    {
        var text = ImageFlow.Glow(1, 4, 4, levels: 2, stepsPerLevel: 1, hidden: 8).ToString();
        Assert.StartsWith("Flow from data [1, 4, 4] to base, preprocessing: centred(levels: 256)", text, StringComparison.Ordinal);
        Assert.Contains("[0] Squeeze(2x2)  -> [4, 2, 2]", text, StringComparison.Ordinal);
        Assert.Contains("[2] Conv1x1(LU)  -> [4, 2, 2]", text, StringComparison.Ordinal);
        Assert.Contains("[3] AffineCoupling(mask: channel, net: ConvResNet(8 channels, 0 blocks; relu))  -> [4, 2, 2]", text, StringComparison.Ordinal);
        Assert.Contains("[4] FactorOut(half the channels to the base)  -> [2, 2, 2]", text, StringComparison.Ordinal);
        Assert.Contains("\n    [5] Squeeze(2x2)  -> [8, 1, 1]", text, StringComparison.Ordinal);
        Assert.EndsWith("base: StandardNormal(16)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Specs_compare_by_value_and_compile_to_independent_models()
    {
        var a = ImageFlow.RealNvp(1, 4, 4, scales: 2, hidden: 4, blocks: 1);
        var b = ImageFlow.RealNvp(1, 4, 4, scales: 2, hidden: 4, blocks: 1);
        Assert.Equal(a, b);
        Assert.NotEqual(a, b.WithPreprocessing(ImagePreprocessing.Centred(256)));
        using var m1 = a.Compile(Device.Cpu, seed: 1);
        using var m2 = a.Compile(Device.Cpu, seed: 1);
        using var m3 = a.Compile(Device.Cpu, seed: 2);
        Assert.All(m1.parameters().Zip(m2.parameters()), p => Assert.True(p.First.allclose(p.Second, rtol: 0, atol: 0)));
        Assert.Contains(m1.parameters().Zip(m3.parameters()), p => !p.First.allclose(p.Second, rtol: 0, atol: 0));
        Assert.NotSame(m1.parameters().First(), m2.parameters().First());
    }
}
