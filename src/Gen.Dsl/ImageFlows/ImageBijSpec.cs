namespace Gen.Dsl;

/// <summary>
/// A step of an image flow, acting on image events [C, H, W]. Image flows list their steps from data to base (the
/// order of the RealNVP and Glow papers), and a step may change the event shape (squeeze, factor-out).
/// </summary>
public abstract record ImageBijSpec
{
    /// <summary>
    /// Checks the step against the event shape it will see and returns the shape it passes on; throws
    /// <see cref="GenShapeException"/> naming <paramref name="path"/> and the shape.
    /// </summary>
    internal abstract ImageShape Check(string path, ImageShape input);

    /// <summary>
    /// Builds the step's module for events of shape <paramref name="input"/> (already checked), in a flow conditioned on
    /// a context of <paramref name="contextFeatures"/> features (0: none). Steps whose parameters come from a network
    /// read the context (<see cref="BijectorModule.Build(TorchSharp.torch.Tensor?)"/>); the others ignore it.
    /// </summary>
    internal abstract BijectorModule Compile(ImageShape input, long contextFeatures);

    /// <summary>Counts what <see cref="Compile"/> builds for the same arguments into <paramref name="budget"/>; <paramref name="path"/> names the node.</summary>
    internal abstract void Measure(SpecBudget budget, string path, ImageShape input, long contextFeatures);
}
