using System;
using System.Threading;
using System.Threading.Tasks;
using TorchSharp;

namespace Gen.Dsl.Tests;

/// <summary>
/// Another thread drawing from TorchSharp's global generator in a loop, as a test's <c>torch.randn</c> or a user's
/// data loader does beside a compile, until disposed.
/// </summary>
internal sealed class GlobalGeneratorDraws : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task drawing;

    public GlobalGeneratorDraws()
    {
        drawing = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var scope = torch.NewDisposeScope();
                torch.randn(64);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await drawing;
        stop.Dispose();
    }
}
