using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A fully visible sigmoid belief net (Frey 1998) over <paramref name="Features"/> binary features: the feature at
/// position i is a logistic regression on the features before it, σ(b_i + Σ_{j&lt;i} W_ij x_j), with W strictly
/// lower-triangular in the model's order. Build it with <see cref="Autoregressive.Fvsbn"/>.
/// </summary>
/// <param name="Features">D, the number of binary features.</param>
/// <param name="Order">The order of the features.</param>
public sealed record FvsbnSpec(long Features, InputOrder Order) : IModelSpec<FvsbnModel>, ISizedSpec
{
    private const string Path = "fvsbn";

    /// <summary>The same spec with another order.</summary>
    public FvsbnSpec WithOrder(InputOrder order) => Checked(this with { Order = order ?? throw new System.ArgumentNullException(nameof(order)) });

    /// <summary>
    /// Compiles the model to a new, independent module on <paramref name="device"/>; the weights start at zero
    /// (every conditional ½), so the seed does not matter for this model and is accepted for uniformity.
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights (unused: they start at zero).</param>
    public FvsbnModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Autoregressive.CheckFeatures(Path, Features, Order);
        return SpecCompiler.Compile(() => new FvsbnModel(this), device, dtype, seed);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Fvsbn({Features}; order: {Order})";

    internal static FvsbnSpec Checked(FvsbnSpec spec)
    {
        Autoregressive.CheckFeatures(Path, spec.Features, spec.Order);
        return spec;
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        budget.Features($"{Path}.features", Features);
        // A [D, D] weight (used below its diagonal) and a bias [D].
        budget.Linear(Path, Features, Features);
    }
}
