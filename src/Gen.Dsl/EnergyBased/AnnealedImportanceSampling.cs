using System;
using System.Globalization;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Annealed importance sampling (Neal 2001) for the log partition function log Z = log ∫ exp(−E(x)) dx of an energy:
/// chains start at exact draws of a Gaussian base N(0, s²I), pass through the energies (1 − βₖ)·E₀ + βₖ·E for
/// 0 = β₀ &lt; β₁ &lt; … &lt; β_K = 1 (E₀ the base's), each moved by a <see cref="MalaSampler"/> that leaves its
/// temperature's law invariant, and gather the log-weights Σₖ (βₖ − βₖ₋₁)(E₀(x) − E(x)). Then
/// log Ẑ = log Z₀ + log mean exp(log w): an unbiased estimate of Z, so a lower bound on log Z in expectation.
/// </summary>
/// <param name="Temperatures">K, the number of annealing steps (hundreds for a sharp energy).</param>
/// <param name="Transition">The move at each temperature (its step size and steps per temperature).</param>
/// <param name="BaseScale">s, the base's standard deviation; a base wider than the target keeps the weights tame.</param>
public sealed record AnnealedImportanceSampling(int Temperatures, MalaSampler Transition, double BaseScale = 1)
{
    private const string Node = "ais";

    /// <summary>Estimates log Z of <paramref name="energy"/> over events of <paramref name="eventShape"/> with <paramref name="chains"/> chains.</summary>
    /// <param name="energy">E, from [chains, ...event] to [chains].</param>
    /// <param name="eventShape">The shape of one state.</param>
    /// <param name="chains">Independent chains (the estimate's standard error falls as 1/√chains).</param>
    /// <param name="dtype">The chains' dtype.</param>
    /// <param name="device">Where they run.</param>
    /// <param name="generator">A seeded generator; the device's global generator when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="InvalidOperationException">A chain left the finite numbers (named with the temperature).</exception>
    public LogPartitionEstimate Estimate(Func<torch.Tensor, torch.Tensor> energy, long[] eventShape, long chains, torch.ScalarType dtype, torch.Device device, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(energy);
        ArgumentNullException.ThrowIfNull(eventShape);
        ArgumentNullException.ThrowIfNull(Transition);
        if (Temperatures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Temperatures), Temperatures, $"{Node}: anneal through at least one temperature.");
        }

        if (!(BaseScale > 0) || !double.IsFinite(BaseScale))
        {
            throw new ArgumentOutOfRangeException(nameof(BaseScale), BaseScale, $"{Node}: the base scale must be positive and finite.");
        }

        if (chains < 2 || eventShape.Length == 0 || eventShape.Any(d => d < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(chains), chains, $"{Node}: needs two or more chains of events of a positive shape, got {chains} chains of {Shape.Format(eventShape)}.");
        }

        using var scope = torch.NewDisposeScope();
        long dimensions = eventShape.Aggregate(1L, (a, b) => a * b);
        double s2 = BaseScale * BaseScale;
        var eventDims = Enumerable.Range(1, eventShape.Length).Select(d => (long)d).ToArray();
        torch.Tensor BaseEnergy(torch.Tensor x) => x.square().sum(eventDims) / (2 * s2);
        double logZ0 = 0.5 * dimensions * Math.Log(2 * Math.PI * s2);

        var x = DeviceRandom.Normal(new[] { chains }.Concat(eventShape).ToArray(), dtype, device, generator) * BaseScale;
        var logWeights = torch.zeros(chains, dtype: torch.float64, device: device);
        double previous = 0;
        for (int k = 1; k <= Temperatures; k++)
        {
            using var step = torch.NewDisposeScope();
            double beta = k / (double)Temperatures;
            using (torch.no_grad())
            {
                var gap = (BaseEnergy(x) - energy(x)).to_type(torch.float64);
                logWeights.add_(gap * (beta - previous));
            }

            previous = beta;
            double b = beta;
            try
            {
                var next = Transition.Run(z => ((1 - b) * BaseEnergy(z)) + (b * energy(z)), x, generator).Samples.MoveToOuterDisposeScope();
                x.Dispose(); // otherwise every temperature's states stay in the outer scope until the estimate ends
                x = next;
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{Node}: at temperature {k} of {Temperatures} (β = {beta:G4}): {e.Message}"), e);
            }
        }

        if (!logWeights.isfinite().all().item<bool>())
        {
            throw new InvalidOperationException($"{Node}: a log-weight is not finite; the energy is not finite everywhere the base reaches.");
        }

        // log mean exp, and the delta-method standard error of log Ẑ: sd(w)/(√n · mean(w)), from weights scaled by their maximum.
        var max = logWeights.max();
        var w = (logWeights - max).exp();
        double mean = w.mean().item<double>();
        double logZ = logZ0 + max.item<double>() + Math.Log(mean);
        double se = w.std().item<double>() / (Math.Sqrt(chains) * mean);
        return new LogPartitionEstimate(logZ, se, logWeights.MoveToOuterDisposeScope());
    }
}
