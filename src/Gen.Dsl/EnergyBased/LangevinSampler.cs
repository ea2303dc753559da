using System;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Unadjusted Langevin dynamics: x ← x − ε/2 ∇E(x) + √ε ξ. Every move is kept, so its stationary law is off the
/// target by O(ε); use <see cref="MalaSampler"/> for the exact law.
/// </summary>
/// <param name="StepSize">ε.</param>
/// <param name="Steps">Steps per run.</param>
public sealed record LangevinSampler(double StepSize, int Steps) : McmcSampler(StepSize, Steps)
{
    /// <inheritdoc/>
    protected override string Node => "langevin";

    private protected override (torch.Tensor X, torch.Tensor Energy, torch.Tensor Gradient) Propose(
        Func<torch.Tensor, torch.Tensor> energy, torch.Tensor x, torch.Tensor e, torch.Tensor grad, torch.Generator? generator, out long accepted)
    {
        var next = LangevinMove(x, grad, generator);
        var (ne, ng) = EnergyAndGradient(energy, next);
        accepted = x.shape[0];
        return (next, ne, ng);
    }
}
