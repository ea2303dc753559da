using System;
using System.Globalization;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Annealed Langevin dynamics (Song and Ermon 2019, algorithm 1): samples from a noise-conditional score
/// s(x, σ) ≈ ∇ₓ log p_σ(x) by running Langevin steps at each noise level of <see cref="Sigmas"/> in turn, from the
/// largest to the smallest, with step αᵢ = ε σᵢ² / σ_L²: x ← x + αᵢ/2 · s(x, σᵢ) + √αᵢ · z. The large levels move
/// samples between modes; the small ones sharpen them.
/// </summary>
/// <param name="Sigmas">The noise levels, decreasing.</param>
/// <param name="StepsPerLevel">T, Langevin steps at each level.</param>
/// <param name="Epsilon">ε, the step at the smallest level.</param>
public sealed record AnnealedLangevin(ValueList<double> Sigmas, int StepsPerLevel, double Epsilon)
{
    private const string Node = "annealed_langevin";

    /// <summary>A geometric sequence of <paramref name="levels"/> noise levels from <paramref name="largest"/> down to <paramref name="smallest"/>, as NCSN uses.</summary>
    /// <param name="largest">σ₁.</param>
    /// <param name="smallest">σ_L.</param>
    /// <param name="levels">L, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The levels are not positive and decreasing, or fewer than one.</exception>
    public static ValueList<double> Geometric(double largest, double smallest, int levels)
    {
        if (levels < 1 || !(largest >= smallest) || !(smallest > 0) || !double.IsFinite(largest))
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, $"{Node}: noise levels run from a finite largest down to a positive smallest, got {largest} to {smallest} in {levels} levels.");
        }

        return new ValueList<double>(Enumerable.Range(0, levels).Select(i => levels == 1 ? largest : largest * Math.Pow(smallest / largest, i / (double)(levels - 1))));
    }

    /// <summary>Runs the chains from <paramref name="start"/> [chains, ...] and gives their last states.</summary>
    /// <param name="score">s(x, σ), from [chains, ...] and a level to the same shape.</param>
    /// <param name="start">The chains' first states (uniform noise, typically).</param>
    /// <param name="generator">A seeded generator for the noise; the device's global generator when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="InvalidOperationException">A chain left the finite numbers; the message names the level and the step.</exception>
    public torch.Tensor Run(Func<torch.Tensor, double, torch.Tensor> score, torch.Tensor start, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(start);
        Check();
        using var scope = torch.NewDisposeScope();
        var x = start;
        double last = Sigmas[^1];
        for (int i = 0; i < Sigmas.Count; i++)
        {
            double sigma = Sigmas[i];
            // Langevin at this level, with the step ε σᵢ² / σ_L².
            var level = new LangevinSampler(Epsilon * sigma * sigma / (last * last), StepsPerLevel);
            try
            {
                x = level.RunOnScore(z => score(z, sigma), x, generator);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{Node}: at noise level {i + 1} of {Sigmas.Count} (σ = {sigma:G4}): {e.Message}"), e);
            }
        }

        return x.MoveToOuterDisposeScope();
    }

    private void Check()
    {
        if (Sigmas is null || Sigmas.Count == 0 || Sigmas.Any(s => !(s > 0) || !double.IsFinite(s)))
        {
            throw new ArgumentOutOfRangeException(nameof(Sigmas), $"{Node}: needs one or more positive, finite noise levels.");
        }

        if (StepsPerLevel < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(StepsPerLevel), StepsPerLevel, $"{Node}: take at least one step per level.");
        }

        if (!(Epsilon > 0) || !double.IsFinite(Epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, $"{Node}: the step ε must be positive and finite.");
        }
    }
}
