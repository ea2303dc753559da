using System;
using System.Globalization;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A Markov chain Monte Carlo sampler for a law known by its energy E(x) = −log p(x) + const, as a value: it runs a
/// batch of chains (one per row of the start) for <see cref="Steps"/> steps from a start and gives their last states.
/// The energy maps a batch [chains, ...] to one number per chain, [chains], differentiably (a network's output, or a
/// closed form). The chains run without recording a graph for the energy's parameters.
/// </summary>
/// <param name="StepSize">ε: the gradient step is ε/2 · ∇E and the noise √ε · N(0, I).</param>
/// <param name="Steps">Steps per run.</param>
public abstract record McmcSampler(double StepSize, int Steps)
{
    /// <summary>
    /// T: the chains target exp(−E(x)/T) instead of exp(−E(x)) (1, the default, is the model's own law). Below 1 the law is
    /// sharper: joint energy models are sampled with a gradient step of 1 and noise 0.01 (Grathwohl et al. 2020), which
    /// is Langevin with ε = 10⁻⁴ at T = 5·10⁻⁵.
    /// </summary>
    public double Temperature { get; init; } = 1;

    /// <summary>The sampler's name in error messages.</summary>
    protected abstract string Node { get; }

    /// <summary>Runs the chains from <paramref name="start"/>.</summary>
    /// <param name="energy">E, from [chains, ...] to [chains].</param>
    /// <param name="start">The chains' first states [chains, ...].</param>
    /// <param name="generator">A seeded generator for the noise and the acceptance draws; the device's global generator when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The step size is not positive and finite, or the steps are below 1.</exception>
    /// <exception cref="GenShapeException">The energy does not give one number per chain.</exception>
    /// <exception cref="InvalidOperationException">A chain left the finite numbers (its energy or state turned NaN or infinite); the message names the sampler and the step.</exception>
    public ChainResult Run(Func<torch.Tensor, torch.Tensor> energy, torch.Tensor start, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(energy);
        ArgumentNullException.ThrowIfNull(start);
        CheckSettings();
        if (Temperature != 1)
        {
            var untempered = energy;
            energy = x => untempered(x) / Temperature;
        }

        if (start.dim() < 2 || start.shape[0] < 1)
        {
            throw new GenShapeException($"{Node}.start", $"expects the chains' states [chains, ...], got a tensor of shape {Shape.Format(start.shape)}.");
        }

        using var scope = torch.NewDisposeScope();
        var x = start.detach().clone();
        var (e, grad) = EnergyAndGradient(energy, x);
        long accepted = 0, proposed = 0;
        for (int step = 1; step <= Steps; step++)
        {
            using var inner = torch.NewDisposeScope();
            var next = Propose(energy, x, e, grad, generator, out long acceptedNow);
            accepted += acceptedNow;
            proposed += x.shape[0];
            // The states the step leaves replace the ones it started from, which are freed now: kept in the run's
            // scope until it ended, every step's states of 10,000 chains of MNIST images came to tens of gigabytes.
            (x, e, grad) = (Replace(x, next.X), Replace(e, next.Energy), Replace(grad, next.Gradient));
            if (!x.isfinite().all().item<bool>() || !e.isfinite().all().item<bool>())
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{Node}: a chain left the finite numbers at step {step} of {Steps} (step size {StepSize}); lower the step size, or bound the energy."));
            }
        }

        return new ChainResult(x.MoveToOuterDisposeScope(), proposed == 0 ? 1 : accepted / (double)proposed);
    }

    /// <summary>One step of every chain from x (with its energy and gradient there): the new states, energies and gradients.</summary>
    // The new state, moved out of the step's scope; the old one freed unless the step handed it back as it was.
    private static torch.Tensor Replace(torch.Tensor old, torch.Tensor next)
    {
        next.MoveToOuterDisposeScope();
        if (!ReferenceEquals(old, next))
        {
            old.Dispose();
        }

        return next;
    }

    private protected abstract (torch.Tensor X, torch.Tensor Energy, torch.Tensor Gradient) Propose(
        Func<torch.Tensor, torch.Tensor> energy, torch.Tensor x, torch.Tensor e, torch.Tensor grad, torch.Generator? generator, out long accepted);

    /// <summary>The Langevin proposal x − ε/2 ∇E(x) + √ε ξ, ξ ~ N(0, I).</summary>
    private protected torch.Tensor LangevinMove(torch.Tensor x, torch.Tensor grad, torch.Generator? generator) =>
        x - (grad * (StepSize / 2)) + (DeviceRandom.Normal(x.shape, x.dtype, x.device, generator) * Math.Sqrt(StepSize));

    /// <summary>E(x) [chains] and ∇ₓE(x), without gradient to anything else.</summary>
    private protected (torch.Tensor Energy, torch.Tensor Gradient) EnergyAndGradient(Func<torch.Tensor, torch.Tensor> energy, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var at = x.detach().requires_grad_(true);
        var e = energy(at) ?? throw new InvalidOperationException($"{Node}: the energy returned null.");
        if (e.dim() != 1 || e.shape[0] != x.shape[0])
        {
            throw new GenShapeException($"{Node}.energy", $"must give one energy per chain, [{x.shape[0]}], got a tensor of shape {Shape.Format(e.shape)}.");
        }

        var g = torch.autograd.grad(new[] { e.sum() }, new[] { at })[0];
        return (e.detach().MoveToOuterDisposeScope(), g.detach().MoveToOuterDisposeScope());
    }

    /// <summary>Refuses a step size that is not positive and finite, or fewer than one step.</summary>
    private protected void CheckSettings()
    {
        if (!(Temperature > 0) || !double.IsFinite(Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, $"{Node}: the temperature must be positive and finite.");
        }

        if (!(StepSize > 0) || !double.IsFinite(StepSize))
        {
            throw new ArgumentOutOfRangeException(nameof(StepSize), StepSize, $"{Node}: the step size must be positive and finite.");
        }

        if (Steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"{Node}: a run takes at least one step.");
        }
    }
}
