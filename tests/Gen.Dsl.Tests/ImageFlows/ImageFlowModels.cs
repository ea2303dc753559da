using System.Linq;
using TorchSharp;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>Small image flows with every kind of step, and data for them.</summary>
internal static class ImageFlowModels
{
    /// <summary>
    /// A two-scale flow over [2, 4, 4] with every step kind: checkerboard, channel and additive couplings, ActNorm,
    /// both 1×1 convolutions, squeezes and a factor-out, after RealNVP's logit preprocessing of 256 levels.
    /// </summary>
    public static FlowSpec EveryStep()
    {
        var net = Net.ConvResNet(4, 1);
        return ImageFlow.Over(2, 4, 4)
            .WithPreprocessing(ImagePreprocessing.Logit(256, 0.05))
            .Then(ImageBij.AffineCoupling(ImageMask.Checkerboard(), net))
            .Then(ImageBij.Squeeze())
            .Then(ImageBij.ActNorm())
            .Then(ImageBij.Conv1x1(lu: true))
            .Then(ImageBij.AffineCoupling(ImageMask.Channel(), net))
            .Then(ImageBij.FactorOut())
            .Then(ImageBij.AffineCoupling(ImageMask.Checkerboard(odd: true), net.WithActivation(Activation.Tanh)))
            .Then(ImageBij.Conv1x1(lu: false))
            .Then(ImageBij.AdditiveCoupling(ImageMask.Channel(second: true), net))
            .Then(ImageBij.Squeeze())
            .Then(ImageBij.ActNorm())
            .Then(ImageBij.AffineCoupling(ImageMask.Channel(), Net.ConvResNet(3, 0)));
    }

    /// <summary>
    /// Image couplings over other maps than RealNVP's: rational-quadratic splines with a convolutional conditioner on a
    /// checkerboard and on a channel mask, and an affine map whose conditioner is an MLP over the flattened image.
    /// </summary>
    public static FlowSpec AnyMap() => ImageFlow.Over(2, 4, 4).WithPreprocessing(ImagePreprocessing.Logit(256, 0.05))
        .Then(Bij.Coupling(ImageMask.Checkerboard(), Net.ConvResNet(4, 1), Univariate.Spline(6, 4.0)))
        .Then(ImageBij.Squeeze())
        .Then(Bij.Coupling(ImageMask.Channel(), Net.ConvResNet(4, 0), Univariate.Spline()))
        .Then(Bij.Coupling(ImageMask.Checkerboard(odd: true), Net.Mlp(8), Univariate.Affine()));

    /// <summary>Dequantised 8-bit pixels in [0, 256), [batch, C, H, W], with a fixed seed.</summary>
    public static torch.Tensor Pixels(long batch, long[] eventShape, torch.ScalarType dtype, long seed)
    {
        using var g = Seed.Generator(seed);
        return (torch.rand(new[] { batch }.Concat(eventShape).ToArray(), dtype: torch.float64, generator: g) * 256).to(dtype);
    }

    /// <summary>
    /// Compiles <paramref name="spec"/> with perturbed weights (so that the zero-initialised couplings are not the
    /// identity) and initialises its ActNorms on a batch.
    /// </summary>
    public static FlowModel Trained(FlowSpec spec, torch.ScalarType dtype = torch.ScalarType.Float64, long seed = 3)
    {
        var model = spec.Compile(Device.Cpu, dtype, seed: seed);
        Checkpoints.CheckpointModels.Perturb(model, seed + 1);
        using var init = Pixels(32, spec.EventShape, dtype, seed + 2);
        using var noGrad = torch.no_grad();
        using var lp = model.LogProb(init);
        return model;
    }
}
