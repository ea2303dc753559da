using TorchSharp;

namespace Gen.Dsl;

/// <summary>A distribution node of a spec.</summary>
public abstract record DistSpec
{
    /// <summary>The shape of one event.</summary>
    public abstract long[] EventShape { get; }

    /// <summary>The width of the context the distribution's parameters are computed from; 0 when it takes none.</summary>
    public virtual int ContextFeatures => 0;

    internal abstract DistributionModule Compile();

    /// <summary>Counts what <see cref="Compile"/> builds into <paramref name="budget"/>; <paramref name="path"/> names the node.</summary>
    internal abstract void Measure(SpecBudget budget, string path);
}

/// <summary>A compiled distribution node: a module whose parameters and buffers build the distribution.</summary>
internal abstract class DistributionModule : torch.nn.Module
{
    protected DistributionModule(string name) : base(name)
    {
    }

    /// <summary>The distribution from the current parameters, with no context (batch shape []).</summary>
    public Gen.Probability.IDistribution Build() => Build(null);

    /// <summary>
    /// The distribution given a context of shape B ++ [C] (null: none), of batch shape B: one distribution per
    /// context row, so a conditional flow draws one value per row. A distribution that does not read the context is
    /// the same for every row.
    /// </summary>
    public abstract Gen.Probability.IDistribution Build(torch.Tensor? context);
}
