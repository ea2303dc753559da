using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A copy of a module's parameters and buffers, and of its optimizer's state when the optimizer can copy it, to put
/// back later (the last verified epoch after a failed step, the best epoch at the end).
/// </summary>
internal sealed class TrainingSnapshot : IDisposable
{
    private readonly torch.Tensor[] copies;
    private readonly IOptimizerSnapshot? optimizer;

    /// <summary>Copies <paramref name="module"/>'s state, and <paramref name="optimizer"/>'s when it is given.</summary>
    public TrainingSnapshot(torch.nn.Module module, IStepOptimizer? optimizer, int epoch)
    {
        Epoch = epoch;
        using (var noGrad = torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            copies = module.state_dict().Values.Select(t => t.detach().clone().DetachFromDisposeScope()).ToArray();
        }

        this.optimizer = optimizer?.Snapshot();
    }

    /// <summary>The epoch the copy was taken after (0: at the start of the training run).</summary>
    public int Epoch { get; }

    /// <summary>Where the copy was taken, as a message says it.</summary>
    public string Description => Epoch == 0 ? "the start of this training run" : $"the end of epoch {Epoch}";

    /// <summary>The copies under the names of <paramref name="module"/>'s state dict, which they were taken from.</summary>
    public IReadOnlyList<KeyValuePair<string, torch.Tensor>> Entries(torch.nn.Module module) =>
        module.state_dict().Keys.Zip(copies, (name, copy) => new KeyValuePair<string, torch.Tensor>(name, copy)).ToArray();

    /// <summary>Puts the parameters, buffers and optimizer state back.</summary>
    public void Restore(torch.nn.Module module)
    {
        using (var noGrad = torch.no_grad())
        {
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

        optimizer?.Restore();
    }

    public void Dispose()
    {
        foreach (var c in copies)
        {
            c.Dispose();
        }

        optimizer?.Dispose();
    }
}
