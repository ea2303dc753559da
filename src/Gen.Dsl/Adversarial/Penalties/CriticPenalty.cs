using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A regulariser of the critic alone, from its gradient with respect to its input at points drawn around the batch. It
/// adds to the discriminator's loss and nothing to the generator's. Differentiating through the gradient needs
/// autograd on (not inside <c>torch.no_grad()</c>).
/// </summary>
public abstract record CriticPenalty : AdversarialLoss
{
    /// <inheritdoc/>
    internal override bool PenalisesInputGradients => true;

    /// <summary>
    /// The same penalty applied lazily (Karras et al. 2020, StyleGAN2): on every <paramref name="interval"/>-th critic
    /// update only (<see cref="CriticBatch.Update"/> a multiple of it), multiplied by <paramref name="interval"/> so its
    /// weight per update stays the same on average, and zero without any gradient work on the others.
    /// <c>10 * Penalty.R1.Every(16)</c> is StyleGAN2's lazy R1.
    /// </summary>
    /// <param name="interval">k, 1 or more (1 is the penalty itself).</param>
    /// <exception cref="ArgumentOutOfRangeException">The interval is below 1.</exception>
    public CriticPenalty Every(int interval) => interval == 1 ? this : new LazyPenalty(this, interval);

    /// <summary>The penalty's value on this batch (a scalar).</summary>
    /// <param name="batch">The real and generated samples and the critic.</param>
    public abstract torch.Tensor Value(CriticBatch batch);

    /// <inheritdoc/>
    public sealed override torch.Tensor DiscriminatorLoss(CriticBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = torch.NewDisposeScope();
        return Value(batch).MoveToOuterDisposeScope();
    }

    /// <summary>Zero: a penalty does not depend on the generator.</summary>
    public sealed override torch.Tensor GeneratorLoss(torch.Tensor fakeLogits)
    {
        CheckLogits(fakeLogits, nameof(fakeLogits));
        return Zero(fakeLogits);
    }

    /// <summary>
    /// ∇ₓ critic(x) at each of <paramref name="points"/>, flattened to [n, features], with the graph kept so that the
    /// penalty can be differentiated with respect to the critic's parameters. A penalty of your own builds on it.
    /// </summary>
    /// <param name="batch">The batch whose critic is differentiated.</param>
    /// <param name="points">Where: [n, ...] points of the data's shape (real, generated, or between them).</param>
    protected static torch.Tensor InputGradients(CriticBatch batch, torch.Tensor points)
    {
        var x = points.detach().requires_grad_(true);
        var logits = batch.Evaluate(x, "penalty");
        var gradient = torch.autograd.grad(new[] { logits.sum() }, new[] { x }, retain_graph: true, create_graph: true)[0];
        return gradient.reshape(points.shape[0], -1);
    }

    /// <summary>Uniform [0, 1) draws of shape [n, 1, …, 1] (one per sample, broadcasting over its features), from the batch's generator.</summary>
    /// <param name="batch">The batch, whose size, dtype, device and generator are used.</param>
    protected static torch.Tensor PerSampleUniform(CriticBatch batch)
    {
        var shape = new long[batch.Real.dim()];
        Array.Fill(shape, 1L);
        shape[0] = batch.Count;
        return DeviceRandom.Uniform(shape, batch.Real.dtype, batch.Real.device, batch.Generator);
    }

    /// <summary>E(‖∇ₓ critic(x)‖ − 1)² over <paramref name="points"/>: the two-sided penalty of WGAN-GP and DRAGAN.</summary>
    /// <param name="batch">The batch whose critic is differentiated.</param>
    /// <param name="points">Where the gradient's norm is taken.</param>
    protected static torch.Tensor UnitGradientNorm(CriticBatch batch, torch.Tensor points) =>
        (torch.linalg.vector_norm(InputGradients(batch, points), 2, new long[] { 1 }) - 1).square().mean();
}
