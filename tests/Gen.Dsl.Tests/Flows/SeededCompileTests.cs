using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Flows;

public sealed class SeededCompileTests
{
    [Fact]
    public async Task A_seed_gives_the_same_weights_while_other_threads_compile_and_draw()
    {
        var pixel = Autoregressive.PixelCnn(1, 8, 8).WithFilters(16).WithResidualBlocks(2);
        var reference = Weights(pixel.Compile(Device.Cpu, seed: 3));
        using var stop = new CancellationTokenSource();
        // Other threads keep compiling without a seed and drawing through Gen from the global generator.
        var noise = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var scope = torch.NewDisposeScope();
                pixel.Compile(Device.Cpu).Dispose();
                DeviceRandom.Normal(new long[] { 64 }, torch.float32, Device.Cpu);
            }
        })).ToArray();
        try
        {
            for (int i = 0; i < 20; i++)
            {
                var again = Weights(pixel.Compile(Device.Cpu, seed: 3));
                Assert.True(reference.Zip(again).All(p => p.First.allclose(p.Second, 0, 0)), $"compile {i} with the same seed gave other weights");
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(noise);
        }
    }

    public static TheoryData<string> Kinds => new(Specs.Keys);

    // One spec per kind of layer Gen builds: linear and masked linear layers, NADE's own weights, an LSTM, convolutions
    // (masked, residual, transposed), Glow's random rotation, spectrally normalised critics and a classifier.
    private static readonly System.Collections.Generic.Dictionary<string, System.Func<torch.nn.Module>> Specs = new()
    {
        ["made"] = () => Autoregressive.Made(6, 8).Compile(Device.Cpu, seed: 3),
        ["nade"] = () => Autoregressive.Nade(6, 5).Compile(Device.Cpu, seed: 3),
        ["rnn"] = () => Autoregressive.Rnn(6, 5).Compile(Device.Cpu, seed: 3),
        ["gated_pixel_cnn"] = () => Autoregressive.GatedPixelCnn(1, 6, 6).WithFilters(4).WithLayers(2).WithClasses(3).Compile(Device.Cpu, seed: 3),
        ["conv_vae"] = () => Gen.Dsl.Latent.Vae(1, 8, 8, 4).WithEncoder(Net.ConvEncoder(6)).WithDecoder(Net.ConvDecoder(6)).Compile(Device.Cpu, seed: 3),
        ["glow"] = () => ImageFlow.Glow(1, 8, 8, levels: 1, stepsPerLevel: 1, hidden: 6).Compile(Device.Cpu, seed: 3),
        ["sn_gan"] = () => Adversarial.Gan(2, 2).WithSpectralNorm().WithClasses(3).Compile(Device.Cpu, seed: 3),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_seed_gives_the_same_weights_while_another_thread_draws_from_the_global_generator_directly(string kind)
    {
        var reference = Weights(Specs[kind]());
        await using var draws = new GlobalGeneratorDraws();
        for (int i = 0; i < 5; i++)
        {
            var again = Weights(Specs[kind]());
            Assert.True(reference.Zip(again).All(p => p.First.allclose(p.Second, 0, 0)), $"{kind}: compile {i} with the same seed gave other weights");
        }
    }

    private static torch.Tensor[] Weights(torch.nn.Module model)
    {
        var w = model.parameters().Select(p => p.detach().clone()).ToArray();
        model.Dispose();
        return w;
    }
}
