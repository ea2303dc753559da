using Gen.Probability;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A bijector node of a spec: a step of a vector or image flow, of a VAE's prior, or of a conditional flow. It is the extension point
/// for steps of your own: derive a record from it, check the node against the events it will see in
/// <see cref="Check"/>, and build a <see cref="BijectorModule"/> holding its parameters in <see cref="Compile"/>. A node
/// that should be written to JSON (a spec document, a checkpoint) registers a type name and codec with
/// <see cref="SpecJson.Register{TNode}"/>; without one its models still save and load their weights
/// (<see cref="Model.SaveWeights"/>).
/// </summary>
/// <remarks>
/// Records compare by value, so a spec holding your node keeps value equality when the node's fields do (use
/// <see cref="ValueList{T}"/> rather than arrays). <c>Compile(..., seed)</c> makes initial parameters reproducible: wrap
/// TorchSharp layers in <see cref="LayerInitialization.Seeded(TorchSharp.Modules.Linear)"/> and draw parameters of your
/// own through <see cref="DeviceRandom"/> or <see cref="LayerInitialization.FillUniform"/> (they then come from the
/// build's own generator, which no other thread can disturb); draws straight from TorchSharp's global generator are
/// seeded too, but another thread drawing from it at the same time changes them. In the module, register each
/// parameter and buffer under the name of the field that holds it (<c>register_parameter(nameof(weight), weight)</c>):
/// TorchSharp re-binds fields by that name when a module moves to another device or dtype, and a field registered under
/// another name would keep pointing at the old tensor.
/// </remarks>
public abstract record BijSpec
{
    /// <summary>
    /// The step facing the other way: it maps where this one maps to back to where it maps from, with the negated
    /// log-determinant (see <see cref="InvertedSpec"/>). Inverting twice gives this step back, equal as a value.
    /// </summary>
    public BijSpec Inverted() => this is InvertedSpec inverted ? inverted.Inner : new InvertedSpec(this);

    /// <summary>
    /// Checks the node against the events it will see, throwing <see cref="GenShapeException"/> naming
    /// <paramref name="path"/> (or a path below it, such as <c>flow.steps[2].mask</c>) when it does not fit. A flow
    /// calls it when the step is added and again before it compiles; the context width may still be 0 at the first call.
    /// </summary>
    /// <param name="path">Where the node sits in the spec, such as <c>flow.steps[2]</c>.</param>
    /// <param name="shape">The events the step sees and the flow's context width.</param>
    public abstract void Check(string path, StepShape shape);

    /// <summary>
    /// Builds the module for a checked node: its parameters and buffers, registered under stable names (they are the
    /// keys of saved weights), and the bijector they define. Steps whose parameters come from a network read the
    /// context (<see cref="StepShape.ContextFeatures"/> wide); the others ignore it.
    /// </summary>
    /// <param name="shape">The events the step sees and the flow's context width.</param>
    public abstract BijectorModule Compile(StepShape shape);

    /// <summary>
    /// Where the step's forward pass leaves the events: the same place unless the step changes the event shape (an
    /// image flow's squeeze or factor-out), for a step already checked against <paramref name="shape"/>. The flow checks
    /// and compiles the next step for the result.
    /// </summary>
    /// <param name="shape">The events the step sees.</param>
    public virtual StepShape Next(StepShape shape) => shape;

    /// <summary>
    /// Counts what <see cref="Compile"/> builds into <paramref name="budget"/> (parameters, buffers, widths, layers), so
    /// a loader can refuse a spec past its <see cref="SpecLimits"/> before anything is allocated. Every node Gen ships
    /// counts itself; this default counts nothing, which is enough for a node that is never read from a document you
    /// did not write.
    /// </summary>
    /// <param name="budget">The budget to count into; it throws at the first value past a limit.</param>
    /// <param name="path">Where the node sits in the spec, named in the error.</param>
    /// <param name="shape">The events the step sees and the flow's context width.</param>
    public virtual void Measure(SpecBudget budget, string path, StepShape shape)
    {
    }
}

/// <summary>
/// A compiled bijector node: a module whose parameters and buffers build the bijector on each pass, so gradients flow
/// to them, and moves with <c>to()</c> carry them.
/// </summary>
public abstract class BijectorModule : torch.nn.Module
{
    /// <summary>Creates the module.</summary>
    /// <param name="name">The module's name (TorchSharp's; it is not part of the saved weights' keys).</param>
    protected BijectorModule(string name) : base(name)
    {
    }

    /// <summary>The bijector from the current parameters, with no context.</summary>
    public IBijector Build() => Build(null);

    /// <summary>
    /// The bijector from the current parameters given a context of shape B ++ [C] (null: none): it acts on values whose
    /// leading dimensions broadcast with B. A step without a network ignores the context.
    /// </summary>
    /// <param name="context">The context, or null.</param>
    public abstract IBijector Build(torch.Tensor? context);
}
