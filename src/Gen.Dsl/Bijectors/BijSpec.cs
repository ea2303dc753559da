using Gen.Probability;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>A bijector node of a spec, acting on vectors.</summary>
public abstract record BijSpec
{
    /// <summary>
    /// The step facing the other way: it maps where this one maps to back to where it maps from, with the negated
    /// log-determinant (see <see cref="InvertedSpec"/>). Inverting twice gives this step back, equal as a value.
    /// </summary>
    public BijSpec Inverted() => this is InvertedSpec inverted ? inverted.Inner : new InvertedSpec(this);

    /// <summary>Checks the node against the number of features it will see; throws <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    internal abstract void Check(string path, long features);

    /// <summary>
    /// Compiles the node for events of <paramref name="features"/> features in a flow conditioned on a context of
    /// <paramref name="contextFeatures"/> features (0: none). Steps whose parameters come from a network read the
    /// context; the others ignore it. With no context every step compiles exactly as an unconditional one.
    /// </summary>
    internal abstract BijectorModule Compile(long features, long contextFeatures);

    /// <summary>Counts what <see cref="Compile"/> builds for the same arguments into <paramref name="budget"/>; <paramref name="path"/> names the node.</summary>
    internal abstract void Measure(SpecBudget budget, string path, long features, long contextFeatures);
}

/// <summary>A compiled bijector node: a module whose parameters build the bijector on each pass.</summary>
internal abstract class BijectorModule : torch.nn.Module
{
    protected BijectorModule(string name) : base(name)
    {
    }

    /// <summary>The bijector from the current parameters, with no context.</summary>
    public abstract IBijector Build();

    /// <summary>
    /// The bijector given a context of shape B ++ [C] (null: none): it acts on values whose leading dimensions broadcast
    /// with B. Steps without a network ignore the context, which is what this default does.
    /// </summary>
    public virtual IBijector Build(torch.Tensor? context) => Build();
}
