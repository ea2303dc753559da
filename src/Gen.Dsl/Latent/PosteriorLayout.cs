using System;
using System.Linq;

namespace Gen.Dsl;

/// <summary>
/// Where a VAE's posterior steps sit: which step reads which part of the encoder's output. The encoder gives μ and σ
/// (L numbers each), then the steps' contexts: amortised steps (planar, radial, or any step under
/// <see cref="Bij.Amortised"/>) one block of their parameters each, the other steps (inverse autoregressive, or steps
/// of any kind) one shared context.
/// </summary>
internal static class PosteriorLayout
{
    /// <summary>Hidden units in each of the two hidden layers of an inverse autoregressive step's MADE.</summary>
    public static int IafHidden(int latent) => Math.Max(2 * latent, 32);

    /// <summary>The encoder's outputs per data point: μ and σ, then the steps' contexts.</summary>
    public static long EncoderOutputs(VaeSpec spec) => Steps(spec).Aggregate(2L * spec.LatentDimensions, (end, p) => Math.Max(end, p.At + p.Width));

    /// <summary>
    /// The posterior flow's steps in order, each an ordinary step conditioned on a part of the encoder's output (from
    /// <c>At</c>, <c>Width</c> numbers): amortised planar or radial steps read their own parameters there, one block each
    /// after μ and σ; inverse autoregressive steps (natural and reversed orders alternating, so every coordinate is
    /// conditioned on every other after two steps) all read the same context of L numbers; steps of any kind read the
    /// shared context of <see cref="VaeSpec.PosteriorContext"/> numbers, or a block of their own when amortised.
    /// </summary>
    public static (BijSpec Step, long At, long Width)[] Steps(VaeSpec spec)
    {
        int latent = spec.LatentDimensions;
        long l = latent;
        switch (spec.PosteriorFlow)
        {
            case PosteriorFlowKind.InverseAutoregressive:
            {
                int hidden = IafHidden(latent);
                var step = Bij.InverseAutoregressive(hidden, hidden);
                return Enumerable.Range(0, spec.PosteriorFlowSteps)
                    .Select(k => ((BijSpec)(k % 2 == 0 ? step : step.WithOrder(InputOrder.Reversed)), 2 * l, l))
                    .ToArray();
            }

            case PosteriorFlowKind.Steps:
            {
                // After μ and σ: the shared context, then one block per amortised step.
                long next = (2 * l) + spec.PosteriorContext;
                return spec.PosteriorSteps.Select(step =>
                {
                    if (step is AmortisedSpec { Step: IParametersFromContext amortisable })
                    {
                        long at = next;
                        next += amortisable.ParameterCount(l);
                        return (step, at, amortisable.ParameterCount(l));
                    }

                    return (step, 2 * l, (long)spec.PosteriorContext);
                }).ToArray();
            }

            case PosteriorFlowKind.Planar:
            case PosteriorFlowKind.Radial:
            {
                var step = spec.PosteriorFlow == PosteriorFlowKind.Planar ? Bij.Amortised(Bij.Planar()) : Bij.Amortised(Bij.Radial());
                long per = ((IParametersFromContext)step.Step).ParameterCount(l);
                return Enumerable.Range(0, spec.PosteriorFlowSteps).Select(k => ((BijSpec)step, (2 * l) + (k * per), per)).ToArray();
            }

            default:
                return Array.Empty<(BijSpec, long, long)>();
        }
    }

    /// <summary>Checks steps of any kind against the latent code and their contexts, as they will be compiled.</summary>
    public static void Check(VaeSpec spec)
    {
        if (spec.PosteriorSteps.Count == 0)
        {
            throw new GenShapeException("vae.posterior_flow", "steps of any kind need at least one step.");
        }

        if (spec.PosteriorContext < 0)
        {
            throw new GenShapeException("vae.posterior_context", $"the context's width must be 0 or more, got {spec.PosteriorContext}.");
        }

        var steps = Steps(spec);
        for (int k = 0; k < steps.Length; k++)
        {
            var (step, _, width) = steps[k];
            var path = $"vae.posterior_flow[{k}]";
            if (step is null)
            {
                throw new GenShapeException(path, "a step is missing (null).");
            }

            var shape = StepShape.Vector(spec.LatentDimensions, width);
            step.Check(path, shape);
            if (step.Next(shape) != shape)
            {
                throw new GenShapeException(path, $"{step} changes the latent code's shape from {shape} to {step.Next(shape)}; a posterior's steps keep it.");
            }
        }
    }
}
