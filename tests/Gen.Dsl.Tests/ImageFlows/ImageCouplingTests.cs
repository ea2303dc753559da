using System;
using System.Linq;
using Gen.Dsl.Tests.Readme;
using Gen.Probability.Bijectors;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>
/// One coupling step for vectors and images: a mask and a network that fit the events, any univariate map, JSON that
/// keeps the image couplings' old form where it applies, and the image presets as the same node.
/// </summary>
public sealed class ImageCouplingTests
{
    private static GenShapeException Fails(Func<object> build) => Assert.Throws<GenShapeException>(build);

    [Fact]
    public void The_image_presets_are_the_one_coupling_with_a_tanh_affine_or_shift_map()
    {
        var affine = Assert.IsType<CouplingSpec>(ImageBij.AffineCoupling(ImageMask.Checkerboard(), Net.ConvResNet(4, 1)));
        Assert.Equal(new AffineMap(AffineScale.Tanh), affine.Map);
        Assert.True(affine.LearntScale);
        var additive = Assert.IsType<CouplingSpec>(ImageBij.AdditiveCoupling(ImageMask.Channel(), Net.ConvResNet(4, 1)));
        Assert.IsType<ShiftMap>(additive.Map);
        Assert.False(additive.LearntScale);
        Assert.Equal(ImageMask.Channel(second: true), additive.Mask.Flipped());
    }

    [Fact]
    public void A_mask_or_network_that_does_not_fit_the_events_is_refused_naming_the_step()
    {
        var vectorMask = Fails(() => ImageFlow.Over(1, 4, 4).Then(Bij.Coupling(Mask.Alternating(4), Net.Mlp(8), Univariate.Affine())));
        Assert.Equal("flow.steps[0].mask", vectorMask.Node);
        Assert.Contains("vector events", vectorMask.Message, StringComparison.Ordinal);

        var imageMask = Fails(() => Flow.Over(Dist.StandardNormal(4)).Then(Bij.Coupling(ImageMask.Checkerboard(), Net.ConvResNet(4, 1), Univariate.Affine())));
        Assert.Equal("flow.steps[0].mask", imageMask.Node);
        Assert.Contains("image events", imageMask.Message, StringComparison.Ordinal);

        var convOnVectors = Fails(() => Flow.Over(Dist.StandardNormal(4)).Then(Bij.Coupling(Mask.Alternating(4), Net.ConvResNet(4, 1), Univariate.Affine())));
        Assert.Equal("flow.steps[0].net", convOnVectors.Node);
        Assert.Contains("[4] to [8]", convOnVectors.Message, StringComparison.Ordinal);

        var spline = (CouplingSpec)ImageBij.AffineCoupling(ImageMask.Checkerboard(), Net.ConvResNet(4, 1)) with { Map = Univariate.Spline() };
        var scaled = Fails(() => ImageFlow.Over(1, 4, 4).Then(spline));
        Assert.Equal("flow.steps[0].map", scaled.Node);
        Assert.Contains("learnt scale", scaled.Message, StringComparison.Ordinal);
        Assert.False(((CouplingSpec)ImageBij.AffineCoupling(ImageMask.Checkerboard(), Net.ConvResNet(4, 1))).WithMap(Univariate.Spline()).LearntScale);
    }

    [Fact]
    public void Image_couplings_keep_their_old_json_form_and_others_round_trip_as_a_coupling()
    {
        var realNvp = ImageFlow.RealNvp(1, 4, 4, scales: 2, hidden: 4, blocks: 1);
        var json = realNvp.ToJson();
        Assert.Contains("\"image_coupling\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"coupling\"", json, StringComparison.Ordinal);
        Assert.Equal(realNvp, SpecJson.FromJson<FlowSpec>(json));

        var anyMap = ImageFlowModels.AnyMap().WithContext(2);
        var written = anyMap.ToJson();
        Assert.Contains("\"coupling\"", written, StringComparison.Ordinal);
        Assert.Contains("\"conv_resnet\"", written, StringComparison.Ordinal);
        Assert.Contains("\"spline\"", written, StringComparison.Ordinal);
        Assert.Equal(anyMap, SpecJson.FromJson<FlowSpec>(written));

        // A learnt scale on a coupling that has no old form is written as such.
        var mlpScaled = Bij.Coupling(ImageMask.Checkerboard(), Net.Mlp(4), new AffineMap(AffineScale.Tanh)) with { LearntScale = true };
        var flow = ImageFlow.Over(1, 4, 4).Then(mlpScaled);
        Assert.Contains("\"learnt_scale\": true", flow.ToJson(), StringComparison.Ordinal);
        Assert.Equal(flow, SpecJson.FromJson<FlowSpec>(flow.ToJson()));
    }

    [Fact]
    public void A_spline_coupling_of_images_trains_its_conditioner_and_starts_at_the_identity()
    {
        var spec = ImageFlow.Over(1, 4, 4).WithPreprocessing(ImagePreprocessing.Centred(256))
            .Then(Bij.Coupling(ImageMask.Checkerboard(), Net.ConvResNet(4, 1), Univariate.Spline(4, 2.0)));
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 1);
        using var scope = torch.NewDisposeScope();
        var x = ImageFlowModels.Pixels(6, spec.EventShape, torch.float64, 2);
        using var empty = ImageFlow.Over(1, 4, 4).WithPreprocessing(ImagePreprocessing.Centred(256)).Compile(Device.Cpu, torch.float64);
        Assert.True(model.LogProb(x).allclose(empty.LogProb(x), rtol: 0, atol: 1e-12)); // the output layer starts at zero

        var loss = -model.LogProb(x).mean();
        loss.backward();
        var grads = model.parameters().Select(p => p.grad).Where(g => g is not null).ToArray();
        Assert.NotEmpty(grads);
        Assert.Contains(grads, g => g!.abs().sum().item<double>() > 0);
    }

    [Fact]
    public void The_README_snippet_of_spline_couplings_over_images_builds_and_scores()
    {
        // README:begin
        var splines = ImageFlow.Over(1, 28, 28).WithPreprocessing(ImagePreprocessing.Logit(256, alpha: 0.05))
            .Then(Bij.Coupling(ImageMask.Checkerboard(), Net.ConvResNet(32, 2), Univariate.Spline(bins: 8, bound: 4)))
            .Then(ImageBij.Squeeze())
            .Then(Bij.Coupling(ImageMask.Channel(), Net.ConvResNet(32, 2), Univariate.Spline()));
        // README:end
        Assert.Equal(new long[] { 4, 14, 14 }, splines.OutputShape);
        using var model = splines.Compile(Device.Cpu, seed: 0);
        using var scope = torch.NewDisposeScope();
        var pixels = ImageFlowModels.Pixels(2, splines.EventShape, torch.float32, 3);
        Assert.True(model.LogProb(pixels).isfinite().all().item<bool>());
        Assert.Equal(ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/ImageFlows/ImageCouplingTests.cs"), ReadmeSnippetTests.BlockStartingWith("src/Gen.Dsl/README.md", "var splines"));
    }
}
