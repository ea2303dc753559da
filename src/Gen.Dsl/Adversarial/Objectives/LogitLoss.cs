using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// An objective whose discriminator loss depends only on the critic's logits on real and on generated samples (all of
/// <see cref="Objective"/>'s members). Each loss is a mean over the batch, so logits of any shape are accepted.
/// </summary>
public abstract record LogitLoss : AdversarialLoss
{
    /// <summary>The discriminator's loss from its logits on real and on generated samples (a scalar, to minimise).</summary>
    /// <param name="realLogits">Logits on real samples.</param>
    /// <param name="fakeLogits">Logits on generated samples.</param>
    public abstract torch.Tensor DiscriminatorLoss(torch.Tensor realLogits, torch.Tensor fakeLogits);

    /// <inheritdoc/>
    public sealed override torch.Tensor DiscriminatorLoss(CriticBatch batch)
    {
        System.ArgumentNullException.ThrowIfNull(batch);
        return DiscriminatorLoss(batch.RealLogits, batch.FakeLogits);
    }

    /// <summary>Checks both logits and computes <paramref name="loss"/> inside a dispose scope.</summary>
    private protected static torch.Tensor Compute(torch.Tensor realLogits, torch.Tensor fakeLogits, System.Func<torch.Tensor, torch.Tensor, torch.Tensor> loss)
    {
        CheckLogits(realLogits, nameof(realLogits));
        CheckLogits(fakeLogits, nameof(fakeLogits));
        using var scope = torch.NewDisposeScope();
        return loss(realLogits, fakeLogits).MoveToOuterDisposeScope();
    }

    /// <summary>The logistic discriminator loss −E log σ(r) − E log(1 − σ(f)), with softplus.</summary>
    private protected static torch.Tensor Logistic(torch.Tensor realLogits, torch.Tensor fakeLogits) =>
        torch.nn.functional.softplus(-realLogits).mean() + torch.nn.functional.softplus(fakeLogits).mean();

    /// <summary>Checks the logits and computes <paramref name="loss"/> inside a dispose scope.</summary>
    private protected static torch.Tensor Compute(torch.Tensor fakeLogits, System.Func<torch.Tensor, torch.Tensor> loss)
    {
        CheckLogits(fakeLogits, nameof(fakeLogits));
        using var scope = torch.NewDisposeScope();
        return loss(fakeLogits).MoveToOuterDisposeScope();
    }
}
