using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// What a discriminator loss sees in one update: real and generated samples, the critic as a function from samples to
/// logits (penalties evaluate it at other points and differentiate it), its logits on both, and the generator for any
/// random draws a penalty makes. The logits are computed once, when the batch is made.
/// </summary>
public sealed class CriticBatch
{
    /// <summary>Evaluates the critic on both sets of samples.</summary>
    /// <param name="real">Real samples [batch, ...].</param>
    /// <param name="fake">Generated samples, the same shape as <paramref name="real"/> (usually detached from the generator).</param>
    /// <param name="critic">Maps samples [n, ...] to logits [n]; for a conditional model it closes over the labels of the batch.</param>
    /// <param name="generator">A seeded generator for the penalties' draws (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <exception cref="GenShapeException">The real and generated samples have different shapes, or the critic's logits are not one per sample.</exception>
    /// <exception cref="ArgumentException">The samples have different dtypes or devices.</exception>
    public CriticBatch(torch.Tensor real, torch.Tensor fake, Func<torch.Tensor, torch.Tensor> critic, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(fake);
        ArgumentNullException.ThrowIfNull(critic);
        if (real.dim() < 1 || !real.shape.AsSpan().SequenceEqual(fake.shape))
        {
            throw new GenShapeException("critic_batch", $"real and generated samples must have the same shape [batch, ...], got {Shape.Format(real.shape)} and {Shape.Format(fake.shape)}.");
        }

        if (real.dtype != fake.dtype || real.device.type != fake.device.type || real.device.index != fake.device.index)
        {
            throw new ArgumentException($"critic_batch: real samples are {real.dtype} on {real.device}, generated ones {fake.dtype} on {fake.device}; they must match.", nameof(fake));
        }

        Real = real;
        Fake = fake;
        Critic = critic;
        Generator = generator;
        RealLogits = Evaluate(real, "real");
        FakeLogits = Evaluate(fake, "generated");
    }

    /// <summary>Real samples [batch, ...].</summary>
    public torch.Tensor Real { get; }

    /// <summary>Generated samples [batch, ...].</summary>
    public torch.Tensor Fake { get; }

    /// <summary>The critic: samples [n, ...] to logits [n].</summary>
    public Func<torch.Tensor, torch.Tensor> Critic { get; }

    /// <summary>The generator for penalties' random draws, or null for the device's global generator.</summary>
    public torch.Generator? Generator { get; }

    /// <summary>The critic's logits on the real samples, [batch].</summary>
    public torch.Tensor RealLogits { get; }

    /// <summary>The critic's logits on the generated samples, [batch].</summary>
    public torch.Tensor FakeLogits { get; }

    /// <summary>Batch size.</summary>
    public long Count => Real.shape[0];

    /// <summary>
    /// The index of the critic update this batch is for, counted from 0 by the <see cref="Adversary"/> that plays the
    /// game (0 for a batch made elsewhere); lazy penalties (<see cref="CriticPenalty.Every"/>) apply on every k-th.
    /// </summary>
    public long Update { get; init; }

    /// <summary>The critic at <paramref name="points"/>, checked to give one logit per point.</summary>
    internal torch.Tensor Evaluate(torch.Tensor points, string what)
    {
        var logits = Critic(points) ?? throw new InvalidOperationException("critic_batch: the critic returned null.");
        if (logits.dim() != 1 || logits.shape[0] != points.shape[0])
        {
            throw new GenShapeException("critic_batch.critic", $"must give one logit per sample, [{points.shape[0]}], on {what} samples; got {Shape.Format(logits.shape)}.");
        }

        return logits;
    }
}
