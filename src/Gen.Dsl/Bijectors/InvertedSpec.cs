using Gen.Probability;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A step that applies another step's inverse: where <see cref="Inner"/> maps x to y, this maps y to x, with the negated
/// log-determinant, and it has the inner step's weights (under <c>inner</c>) and reads the same context. So a planar
/// step turned round has a closed-form density and a numerical sampler, and any coupling or autoregressive layer can
/// face the other way. Made with <see cref="BijSpec.Inverted"/>, which turns an inverted step back into its own.
/// </summary>
/// <param name="Inner">The step whose inverse this is.</param>
public sealed record InvertedSpec(BijSpec Inner) : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => $"Inverted({Inner})";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        if (Inner is null)
        {
            throw new GenShapeException($"{path}.inner", "an inverted step needs the step it inverts; use step.Inverted().");
        }

        Inner.Check($"{path}.inner", shape);
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module(Inner.Compile(shape));

    private sealed class Module : BijectorModule
    {
        private readonly BijectorModule inner;

        public Module(BijectorModule inner) : base("inverted")
        {
            this.inner = inner;
            RegisterComponents();
        }

        public override IBijector Build(torch.Tensor? context) => inner.Build(context).Inverted();
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape) =>
        Inner.Measure(budget, $"{path}.inner", shape);
}
