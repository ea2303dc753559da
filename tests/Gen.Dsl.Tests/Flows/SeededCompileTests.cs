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

    private static torch.Tensor[] Weights(torch.nn.Module model)
    {
        var w = model.parameters().Select(p => p.detach().clone()).ToArray();
        model.Dispose();
        return w;
    }
}
