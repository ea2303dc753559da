using System;
using System.Linq;
using TorchSharp;

namespace Gen.Optimization;

/// <summary>A <see cref="FusedAdam"/>'s state at one moment: each group's moments and step counts, and the learning rate.</summary>
internal sealed class FusedAdamSnapshot : IOptimizerSnapshot
{
    private readonly FusedAdam owner;
    private readonly double learningRate;
    private readonly (torch.Tensor ExpAvg, torch.Tensor ExpAvgSq, long[] Steps)[] states;

    public FusedAdamSnapshot(FusedAdam owner)
    {
        this.owner = owner;
        learningRate = owner.LearningRate;
        states = owner.Groups.Select(g => g.CopyState()).ToArray();
    }

    public void Restore()
    {
        ObjectDisposedException.ThrowIf(owner.IsDisposed, owner);
        owner.LearningRate = learningRate;
        for (int i = 0; i < states.Length; i++)
        {
            owner.Groups[i].RestoreState(states[i]);
        }
    }

    public void Dispose()
    {
        foreach (var (expAvg, expAvgSq, _) in states)
        {
            expAvg.Dispose();
            expAvgSq.Dispose();
        }
    }
}
