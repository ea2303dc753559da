using System;
using System.IO;
using System.Linq;
using Gen.Dsl.Tests.ImageFlows;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

/// <summary>
/// A conditional image flow with every kind of step (affine and additive couplings on checkerboard and channel masks,
/// ActNorms, both 1×1 convolutions, squeezes, a factor-out), saved when image couplings were a node of their own:
/// it must keep loading as the same spec and give the same log-densities it gave then.
/// </summary>
public sealed class PinnedImageFlowTests
{
    // ImageFlowModels.EveryStep().WithContext(2), compiled in float64 with seed 3, perturbed with seed 4, ActNorms
    // initialised on 8 images (seed 5) with contexts (seed 6); the log-densities of 3 images (seed 11) at the contexts below.
    private static readonly double[] LogDensities = { -193.21171048034603, -207.51309251111675, -213.73082555428064 };

    [Fact]
    public void An_image_flow_saved_before_couplings_took_any_event_shape_loads_and_gives_the_same_log_densities()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Checkpoints", "Pinned", "image-flow-v1.ckpt");
        using var model = Dsl.Model.Load<FlowModel>(path, Device.Cpu);
        Assert.Equal(ImageFlowModels.EveryStep().WithContext(2), model.Spec);

        using var x = ImageFlowModels.Pixels(3, model.Spec.EventShape, torch.float64, 11);
        using var c = torch.tensor(new double[,] { { 1, 0 }, { 0, 1 }, { 0.5, -2 } });
        using var noGrad = torch.no_grad();
        var lp = model.LogProb(x, c).data<double>().ToArray();
        for (int i = 0; i < LogDensities.Length; i++)
        {
            Assert.True(Math.Abs(lp[i] - LogDensities[i]) < 1e-9 * Math.Abs(LogDensities[i]), $"image {i}: {lp[i]:R} against {LogDensities[i]:R}");
        }
    }
}
