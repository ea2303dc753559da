using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// NADE (Larochelle &amp; Murray 2011) over <paramref name="Features"/> binary features: the conditional of the feature
/// at position i is σ(b_i + V_i·σ(c + W_{:,&lt;i} x_{&lt;i})), with one hidden weight matrix W shared by all
/// conditionals, so all D conditionals cost O(D·H) together. Build it with <see cref="Autoregressive.Nade"/>.
/// </summary>
/// <param name="Features">D, the number of binary features.</param>
/// <param name="Hidden">H, the number of hidden units.</param>
/// <param name="Order">The order of the features.</param>
public sealed record NadeSpec(long Features, int Hidden, InputOrder Order) : IModelSpec<NadeModel>, ISizedSpec
{
    private const string Path = "nade";

    /// <summary>The same spec with another order.</summary>
    public NadeSpec WithOrder(InputOrder order) => Checked(this with { Order = order ?? throw new System.ArgumentNullException(nameof(order)) });

    /// <summary>
    /// Compiles the model to a new, independent module on <paramref name="device"/>. With a <paramref name="seed"/>,
    /// the initial weights are the same on every compile (this seeds TorchSharp's global generator).
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    public NadeModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Check();
        return SpecCompiler.Compile(() => new NadeModel(this), device, dtype, seed);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Nade({Features}; hidden: {Hidden}, order: {Order})";

    internal static NadeSpec Checked(NadeSpec spec)
    {
        spec.Check();
        return spec;
    }

    private void Check()
    {
        Autoregressive.CheckFeatures(Path, Features, Order);
        if (Hidden < 1)
        {
            throw new GenShapeException($"{Path}.hidden", $"the number of hidden units must be positive, got {Hidden}.");
        }
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        budget.Features($"{Path}.features", Features);
        budget.Width($"{Path}.hidden", Hidden);
        // W [H, D] and c [H] into the hidden units, V [D, H] and b [D] out of them.
        budget.Linear(Path, Features, Hidden);
        budget.Linear(Path, Hidden, Features);
    }
}
