using System;
using Gen.Probability;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>
/// The whole multi-scale flow, preprocessing and factor-outs included, is one bijector from pixel space to the base:
/// its log-determinant is the autograd Jacobian's, it inverts, and the model's density is the change of variables.
/// </summary>
public class ImageFlowLawTests
{
    public static TheoryData<string> Flows => new() { "every_step", "real_nvp", "glow", "any_map" };

    private static FlowSpec Spec(string name) => name switch
    {
        "every_step" => ImageFlowModels.EveryStep(),
        "real_nvp" => ImageFlow.RealNvp(1, 4, 4, scales: 2, hidden: 4, blocks: 1),
        "glow" => ImageFlow.Glow(1, 4, 4, levels: 2, stepsPerLevel: 2, hidden: 4).WithPreprocessing(ImagePreprocessing.Logit(256, 0.01)),
        "any_map" => ImageFlowModels.AnyMap(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Flows))]
    public void Log_det_of_the_whole_flow_is_the_autograd_jacobians(string name)
    {
        using var model = ImageFlowModels.Trained(Spec(name));
        using var x = ImageFlowModels.Pixels(3, model.Spec.EventShape, torch.float64, 9);
        BijectorLaws.LogDetMatchesJacobian(model.DataToBase(), x, 1e-8);
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void The_flow_inverts_and_its_inverse_log_det_is_negated(string name)
    {
        using var model = ImageFlowModels.Trained(Spec(name));
        using var x = ImageFlowModels.Pixels(4, model.Spec.EventShape, torch.float64, 10);
        BijectorLaws.RoundTrips(model.DataToBase(), x, 1e-8);
        BijectorLaws.InverseLogDetIsNegated(model.DataToBase(), x, 1e-8);
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void Log_prob_is_the_change_of_variables_to_a_standard_normal_over_every_dimension(string name)
    {
        using var model = ImageFlowModels.Trained(Spec(name));
        using var scope = torch.NewDisposeScope();
        var x = ImageFlowModels.Pixels(5, model.Spec.EventShape, torch.float64, 11);
        var z = model.DataToBase().ForwardAndLogDet(x);
        Assert.Equal(new long[] { 5, model.Spec.Features }, z.Value.shape);
        var expected = (-0.5 * z.Value.square() - 0.5 * Math.Log(2 * Math.PI)).sum(dim: -1) + z.LogDet;
        var actual = model.LogProb(x);
        Assert.Equal(new long[] { 5 }, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-9));
        Assert.True(model.Distribution().LogProb(x).allclose(expected, rtol: 0, atol: 1e-9));
    }

    [Fact]
    public void Preprocessing_alone_gives_the_pixel_space_density_in_closed_form()
    {
        // No steps: log p(y) = log N(v) + log|dv/dy| with v the preprocessed pixel, summed over D = 12 dimensions.
        using var scope = torch.NewDisposeScope();
        var y = ImageFlowModels.Pixels(6, new long[] { 3, 2, 2 }, torch.float64, 12);
        static torch.Tensor Normal(torch.Tensor v) => -0.5 * v.square() - 0.5 * Math.Log(2 * Math.PI);

        using var centred = ImageFlow.Over(3, 2, 2).WithPreprocessing(ImagePreprocessing.Centred(256)).Compile(Device.Cpu, torch.float64);
        var expectedCentred = (Normal(y / 256 - 0.5) - Math.Log(256)).sum(new long[] { 1, 2, 3 });
        Assert.True(centred.LogProb(y).allclose(expectedCentred, rtol: 0, atol: 1e-10));

        const double alpha = 0.05;
        using var logit = ImageFlow.Over(3, 2, 2).WithPreprocessing(ImagePreprocessing.Logit(256, alpha)).Compile(Device.Cpu, torch.float64);
        var s = alpha + (1 - 2 * alpha) * y / 256;
        var v = (s / (1 - s)).log();
        var expectedLogit = (Normal(v) + Math.Log(1 - 2 * alpha) - s.log() - (1 - s).log() - Math.Log(256)).sum(new long[] { 1, 2, 3 });
        Assert.True(logit.LogProb(y).allclose(expectedLogit, rtol: 0, atol: 1e-10));
    }

    [Fact]
    public void Preprocessing_over_flattened_images_is_the_same_map_with_the_same_log_det()
    {
        // The bijector a vector flow over flattened pixels uses: the values of the image map, flattened, and one
        // log-determinant per image, the closed form of the test above; its Jacobian is autograd's.
        using var scope = torch.NewDisposeScope();
        var y = ImageFlowModels.Pixels(5, new long[] { 3, 2, 2 }, torch.float64, 12);
        const double alpha = 1e-6;
        foreach (var preprocessing in new[] { ImagePreprocessing.Logit(256, alpha), ImagePreprocessing.Centred(256) })
        {
            var image = preprocessing.Bijector(y)!.ForwardAndLogDet(y);
            var flat = preprocessing.Bijector(y, eventRank: 1)!;
            var vector = flat.ForwardAndLogDet(y.flatten(1));
            Assert.True(vector.Value.allclose(image.Value.flatten(1), rtol: 0, atol: 0));
            Assert.True(vector.LogDet.allclose(image.LogDet, rtol: 0, atol: 1e-10));
            BijectorLaws.LogDetMatchesJacobian(flat, y.flatten(1)[..2]);
        }

        var s = alpha + (1 - 2 * alpha) * y.flatten(1) / 256;
        var expected = (Math.Log(1 - 2 * alpha) - s.log() - (1 - s).log() - Math.Log(256)).sum(1);
        Assert.True(ImagePreprocessing.Logit(256, alpha).Bijector(y, eventRank: 1)!.ForwardAndLogDet(y.flatten(1)).LogDet.allclose(expected, rtol: 1e-12, atol: 1e-9));
        Assert.Null(ImagePreprocessing.None.Bijector(y, eventRank: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImagePreprocessing.Centred(256).Bijector(y, eventRank: 0));
    }

    [Fact]
    public void Bits_per_dim_of_the_uniform_density_on_256_levels_is_8()
    {
        // log p = −D·log 256 is the uniform density on [0, 256)^D.
        using var model = ImageFlow.Over(1, 2, 2).WithPreprocessing(ImagePreprocessing.Centred(256)).Compile(Device.Cpu, torch.float64);
        using var uniform = torch.full(new long[] { 3 }, -4 * Math.Log(256), dtype: torch.float64);
        using var bits = model.BitsPerDim(uniform);
        Assert.True(bits.allclose(torch.full(3, 8.0, dtype: torch.float64), rtol: 0, atol: 1e-12));
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void Samples_have_the_image_shape_repeat_with_a_seed_and_score_finitely(string name)
    {
        using var model = ImageFlowModels.Trained(Spec(name));
        using var scope = torch.NewDisposeScope();
        using var g1 = Seed.Generator(4);
        using var g2 = Seed.Generator(4);
        var a = model.Sample(7, g1);
        var b = model.Sample(7, g2);
        Assert.Equal(new long[] { 7 }, a.shape[..1]);
        Assert.Equal(model.Spec.EventShape, a.shape[1..]);
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
        Assert.False(a.requires_grad);
        Assert.True(model.LogProb(a).isfinite().all().item<bool>());
    }

    [Fact]
    public void Log_prob_takes_any_number_of_batch_dimensions()
    {
        using var model = ImageFlowModels.Trained(ImageFlowModels.EveryStep());
        using var scope = torch.NewDisposeScope();
        var x = ImageFlowModels.Pixels(6, model.Spec.EventShape, torch.float64, 13);
        var flat = model.LogProb(x);
        var nested = model.LogProb(x.reshape(2, 3, 2, 4, 4));
        Assert.Equal(new long[] { 2, 3 }, nested.shape);
        Assert.True(nested.reshape(6).allclose(flat, rtol: 0, atol: 1e-10));
    }

    [Fact]
    public void Dequantised_log_prob_adds_uniform_noise_within_each_bin()
    {
        using var model = ImageFlowModels.Trained(ImageFlowModels.EveryStep());
        using var scope = torch.NewDisposeScope();
        var pixels = ImageFlowModels.Pixels(4, model.Spec.EventShape, torch.float64, 14).floor();
        using var g1 = Seed.Generator(8);
        using var g2 = Seed.Generator(8);
        var noise = DeviceRandom.Uniform(pixels.shape, torch.float64, pixels.device, g2);
        Assert.True(model.LogProbDequantized(pixels, g1).allclose(model.LogProb(pixels + noise), rtol: 0, atol: 0));
        using var plain = ImageFlow.Over(1, 2, 2).Compile(Device.Cpu, torch.float64);
        var e = Assert.Throws<InvalidOperationException>(() => plain.LogProbDequantized(torch.zeros(1, 1, 2, 2, dtype: torch.float64)));
        Assert.Contains("preprocessing", e.Message, StringComparison.Ordinal);
    }
}
