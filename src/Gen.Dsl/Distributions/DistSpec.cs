using TorchSharp;

namespace Gen.Dsl;

/// <summary>A distribution node of a spec.</summary>
public abstract record DistSpec
{
    /// <summary>The shape of one event.</summary>
    public abstract long[] EventShape { get; }

    internal abstract DistributionModule Compile();
}

/// <summary>A compiled distribution node: a module whose parameters and buffers build the distribution.</summary>
internal abstract class DistributionModule : torch.nn.Module
{
    protected DistributionModule(string name) : base(name)
    {
    }

    public abstract Gen.Probability.IDistribution Build();
}
