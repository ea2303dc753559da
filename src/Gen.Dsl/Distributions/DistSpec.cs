using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A distribution node of a spec: a flow's base distribution, conditional or not. It is the extension point for base
/// distributions of your own: derive a record from it, give its <see cref="EventShape"/>, and build a
/// <see cref="DistributionModule"/> holding its parameters and buffers in <see cref="Compile"/>. A node that should be
/// written to JSON registers a type name and codec with <see cref="SpecJson.Register{TNode}"/>.
/// </summary>
/// <remarks>
/// In the module, register each parameter and buffer under the name of the field that holds it: TorchSharp re-binds
/// fields by that name when a module moves to another device or dtype.
/// </remarks>
public abstract record DistSpec
{
    /// <summary>The shape of one event.</summary>
    public abstract long[] EventShape { get; }

    /// <summary>The width of the context the distribution's parameters are computed from; 0 when it takes none.</summary>
    public virtual int ContextFeatures => 0;

    /// <summary>Builds the module: the distribution's parameters and buffers, registered under stable names (they are the keys of saved weights).</summary>
    public abstract DistributionModule Compile();

    /// <summary>
    /// Counts what <see cref="Compile"/> builds into <paramref name="budget"/>, so a loader can refuse a spec past its
    /// <see cref="SpecLimits"/> before anything is allocated. Every node Gen ships counts itself; this default counts
    /// nothing, which is enough for a node that is never read from a document you did not write.
    /// </summary>
    /// <param name="budget">The budget to count into; it throws at the first value past a limit.</param>
    /// <param name="path">Where the node sits in the spec, named in the error.</param>
    public virtual void Measure(SpecBudget budget, string path)
    {
    }
}

/// <summary>A compiled distribution node: a module whose parameters and buffers build the distribution on each pass.</summary>
public abstract class DistributionModule : torch.nn.Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="name">The module's name (TorchSharp's; it is not part of the saved weights' keys).</param>
    protected DistributionModule(string name) : base(name)
    {
    }

    /// <summary>The distribution from the current parameters, with no context (batch shape []).</summary>
    public Gen.Probability.IDistribution Build() => Build(null);

    /// <summary>
    /// The distribution given a context of shape B ++ [C] (null: none), of batch shape B: one distribution per
    /// context row, so a conditional flow draws one value per row. A distribution that does not read the context is
    /// the same for every row, with batch shape B.
    /// </summary>
    /// <param name="context">The context, or null.</param>
    public abstract Gen.Probability.IDistribution Build(torch.Tensor? context);
}
