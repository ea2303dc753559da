using Gen.Probability;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>A bijector node of a spec, acting on vectors.</summary>
public abstract record BijSpec
{
    /// <summary>Checks the node against the number of features it will see; throws <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    internal abstract void Check(string path, long features);

    internal abstract BijectorModule Compile(long features);
}

/// <summary>A compiled bijector node: a module whose parameters build the bijector on each pass.</summary>
internal abstract class BijectorModule : torch.nn.Module
{
    protected BijectorModule(string name) : base(name)
    {
    }

    public abstract IBijector Build();
}
