using System;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>A copy of a module's parameters and buffers, to put back later (the best epoch, the last good epoch).</summary>
internal sealed class ParameterSnapshot : IDisposable
{
    private readonly torch.Tensor[] copies;

    public ParameterSnapshot(torch.nn.Module module, int epoch)
    {
        Epoch = epoch;
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        copies = module.state_dict().Values.Select(t => t.detach().clone().DetachFromDisposeScope()).ToArray();
    }

    /// <summary>The epoch the copy was taken after (0: before training).</summary>
    public int Epoch { get; }

    public void Restore(torch.nn.Module module)
    {
        using var noGrad = torch.no_grad();
        var targets = module.state_dict().Values.ToArray();
        if (targets.Length != copies.Length)
        {
            throw new InvalidOperationException("training: the model's parameters changed during training; the snapshot cannot be restored.");
        }

        for (int i = 0; i < copies.Length; i++)
        {
            targets[i].copy_(copies[i]);
        }
    }

    public void Dispose()
    {
        foreach (var c in copies)
        {
            c.Dispose();
        }
    }
}
