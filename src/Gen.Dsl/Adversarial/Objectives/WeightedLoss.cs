using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A weighted sum of losses: each player's loss is Σ wᵢ·lossᵢ, and every term's constraint runs after a discriminator
/// update. Built by <c>+</c> and <c>*</c> on <see cref="AdversarialLoss"/>; sums are kept flat.
/// </summary>
/// <param name="Terms">The terms and their weights.</param>
public sealed record WeightedLoss(ValueList<WeightedTerm> Terms) : AdversarialLoss
{
    /// <inheritdoc/>
    internal override bool PenalisesInputGradients => Terms.Any(t => t.Loss.PenalisesInputGradients);

    /// <inheritdoc/>
    public override torch.Tensor DiscriminatorLoss(CriticBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Sum(t => t.DiscriminatorLoss(batch), batch.RealLogits);
    }

    /// <inheritdoc/>
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeLogits)
    {
        CheckLogits(fakeLogits, nameof(fakeLogits));
        return Sum(t => t.GeneratorLoss(fakeLogits), fakeLogits);
    }

    /// <inheritdoc/>
    public override void Constrain(IEnumerable<Parameter> discriminatorParameters)
    {
        ArgumentNullException.ThrowIfNull(discriminatorParameters);
        var parameters = discriminatorParameters as IReadOnlyCollection<Parameter> ?? discriminatorParameters.ToArray();
        foreach (var term in Terms)
        {
            term.Loss.Constrain(parameters);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Terms.Count == 0
        ? "0"
        : string.Join(" + ", Terms.Select(t => t.Weight == 1 ? t.Loss.ToString() : $"{t.Weight.ToString("G", CultureInfo.InvariantCulture)}·{t.Loss}"));

    /// <summary>A loss as a flat sum (itself, when it already is one).</summary>
    internal static WeightedLoss Of(AdversarialLoss loss) =>
        loss as WeightedLoss ?? new WeightedLoss(new ValueList<WeightedTerm>(new[] { new WeightedTerm(1, loss) }));

    internal WeightedLoss Concat(WeightedLoss other) => new(new ValueList<WeightedTerm>(Terms.Concat(other.Terms)));

    internal WeightedLoss Scaled(double weight)
    {
        if (!(weight >= 0) || double.IsInfinity(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "adversarial_loss: a weight must be non-negative and finite.");
        }

        return new WeightedLoss(new ValueList<WeightedTerm>(Terms.Select(t => t with { Weight = t.Weight * weight })));
    }

    private torch.Tensor Sum(Func<AdversarialLoss, torch.Tensor> loss, torch.Tensor like)
    {
        using var scope = torch.NewDisposeScope();
        var total = Zero(like);
        foreach (var term in Terms)
        {
            total = total + (loss(term.Loss) * term.Weight);
        }

        return total.MoveToOuterDisposeScope();
    }
}
