using System;
using System.IO;
using System.Linq;
using Gen.Dsl;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Cuda.Tests;

/// <summary>Checkpoints of models on the GPU: saved there, loaded there or on the CPU, with the same numbers.</summary>
[Trait("Category", "Cuda")]
public sealed class CheckpointsOnCuda
{
    private static readonly string[] Families = { "flow", "made", "nade", "fvsbn", "pixel_cnn", "gated_pixel_cnn", "vae" };

    [CudaFact]
    public void A_model_saved_on_the_gpu_loads_there_and_scores_a_batch_bit_for_bit()
    {
        foreach (var family in Families)
        {
            using var scope = torch.NewDisposeScope();
            var path = Path.Combine(Path.GetTempPath(), $"gen-cuda-{family}-{Guid.NewGuid():N}.ckpt");
            using var saved = Build(family, Cuda.Gpu);
            Model.Save(path, saved);
            using var loaded = Model.Load(path, Cuda.Gpu);
            Assert.All(loaded.parameters(), p => Assert.Equal(DeviceType.CUDA, p.device_type));
            var before = LogProb(saved);
            var after = LogProb(loaded);
            Assert.True(before.cpu().eq(after.cpu()).all().item<bool>(), $"{family}: log p differs after loading on the GPU");

            // The same file on the CPU: the very same weights, and log p up to the devices' rounding.
            using var onCpu = Model.Load(path, Device.Cpu);
            foreach (var (name, tensor) in saved.state_dict())
            {
                Assert.True(tensor.cpu().eq(onCpu.state_dict()[name]).all().item<bool>(), $"{family}: '{name}' differs on the CPU");
            }

            Assert.True(LogProb(onCpu).allclose(before.cpu(), 1e-4, 1e-4), $"{family}: log p on the CPU is far from the GPU's");
            File.Delete(path);
        }
    }

    [CudaFact]
    public void Training_on_the_gpu_resumes_from_a_checkpoint_bit_for_bit()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gen-cuda-resume-{Guid.NewGuid():N}.ckpt");
        using var model = (FlowModel)Build("flow", Cuda.Gpu);
        using var adam = new FusedAdam(model.parameters(), learningRate: 0.01);
        var x = Cuda.RandN(3, 32, 4).to(torch.float32);
        Step(model, adam, x, 3);
        Model.Save(path, model, adam);
        Step(model, adam, x, 3);

        using var loaded = Model.Load<FlowModel>(path, Cuda.Gpu);
        using var resumed = Model.LoadOptimizer(path, loaded);
        Step(loaded, resumed, x, 3);
        foreach (var (a, b) in model.parameters().Zip(loaded.parameters()))
        {
            Assert.True(a.eq(b).all().item<bool>());
        }

        File.Delete(path);
    }

    private static void Step(FlowModel model, FusedAdam adam, torch.Tensor x, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            adam.ZeroGrad();
            (-model.LogProb(x).mean()).backward();
            adam.Step();
        }
    }

    private static torch.nn.Module Build(string family, torch.Device device)
    {
        torch.nn.Module model = family switch
        {
            "flow" => Flow.Over(Dist.StandardNormal(4))
                .Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8))).Then(Bij.Reverse())
                .Then(Bij.SplineCoupling(Mask.Halves(4), Net.Mlp(8), bins: 4, bound: 3))
                .Then(Bij.MaskedAutoregressive(8)).Then(Bij.Affine()).Then(Bij.Radial())
                .Compile(device, seed: 7),
            "made" => Autoregressive.Made(6, 16).WithOrder(InputOrder.Random(2)).WithMasks(3).Compile(device, seed: 7),
            "nade" => Autoregressive.Nade(6, 5).Compile(device, seed: 7),
            "fvsbn" => Autoregressive.Fvsbn(6).Compile(device, seed: 7),
            "pixel_cnn" => Autoregressive.PixelCnn(1, 4, 4).WithFilters(4).WithResidualBlocks(1).Compile(device, seed: 7),
            "gated_pixel_cnn" => Autoregressive.GatedPixelCnn(1, 4, 4).WithFilters(2).WithLayers(2).Compile(device, seed: 7),
            _ => Dsl.Latent.Vae(12, 2).WithEncoder(Net.Mlp(8)).WithDecoder(Net.Mlp(8)).Compile(device, seed: 7),
        };
        using var g = Seed.Generator(11);
        using var noGrad = torch.no_grad();
        foreach (var p in model.parameters())
        {
            p.add_(torch.randn(p.shape, generator: g).to(p.dtype, p.device) * 0.1);
        }

        if (model is MadeModel made)
        {
            made.NextMask();
        }

        return model;
    }

    private static torch.Tensor LogProb(torch.nn.Module model)
    {
        var device = model.parameters().First().device;
        using var g = Seed.Generator(5);
        torch.Tensor Binary(params long[] shape) => torch.bernoulli(torch.full(shape, 0.4), g).to(device);
        switch (model)
        {
            case FlowModel flow:
                return flow.LogProb(torch.randn(new long[] { 16, 4 }, generator: g).to(device));
            case AutoregressiveBinaryModel binary:
                return binary.LogProb(Binary(16, binary.Features));
            case PixelCnnModel pixel:
                return pixel.LogProb(Binary(4, 1, 4, 4));
            case GatedPixelCnnModel gated:
                return gated.LogProb(Binary(4, 1, 4, 4));
            default:
                using (var samples = Seed.Generator(6))
                {
                    return ((VaeModel)model).LogProb(Binary(8, 12), samples: 40, chunk: 20, generator: samples);
                }
        }
    }
}
