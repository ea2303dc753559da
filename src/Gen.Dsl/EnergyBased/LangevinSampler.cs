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

    /// <summary>
    /// Runs the chains on a score s(x) ≈ ∇ₓ log p(x) instead of an energy (s = −∇E): x ← x + ε/2 · s(x) + √ε ξ, without
    /// gradient, for score models that have no energy (see <see cref="AnnealedLangevin"/>).
    /// </summary>
    /// <param name="score">s, from [chains, ...] to the same shape.</param>
    /// <param name="start">The chains' first states [chains, ...].</param>
    /// <param name="generator">A seeded generator for the noise; the device's global generator when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The step size is not positive and finite, or the steps are below 1.</exception>
    /// <exception cref="GenShapeException">The score does not have the states' shape.</exception>
    /// <exception cref="InvalidOperationException">A chain left the finite numbers; the message names the step.</exception>
    public torch.Tensor RunOnScore(Func<torch.Tensor, torch.Tensor> score, torch.Tensor start, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(start);
        CheckSettings();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = start.detach().clone();
        for (int step = 1; step <= Steps; step++)
        {
            using var inner = torch.NewDisposeScope();
            var s = score(x) ?? throw new InvalidOperationException($"{Node}: the score returned null.");
            if (!s.shape.SequenceEqual(x.shape))
            {
                throw new GenShapeException($"{Node}.score", $"must give the states' shape {Shape.Format(x.shape)}, got {Shape.Format(s.shape)}.");
            }

            x.add_((s * (StepSize / 2)) + (DeviceRandom.Normal(x.shape, x.dtype, x.device, generator) * Math.Sqrt(StepSize)));
            if (!x.isfinite().all().item<bool>())
            {
                throw new InvalidOperationException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{Node}: a chain left the finite numbers at step {step} of {Steps} (step size {StepSize}); lower the step size."));
            }
        }

        return x.MoveToOuterDisposeScope();
    }
}
