using System;
using Gen.Dsl;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Examples.Extending;

/// <summary>
/// A flow step written outside the library: <see cref="Reflections"/> learnable Householder reflections of the
/// features (<see cref="Householder"/>), an orthogonal map and so volume-preserving: a learnable rotation between
/// coupling layers. Its vectors start random (a reflection depends only on its direction, and a zero vector would be
/// no reflection at all), drawn through <see cref="DeviceRandom"/>, which inside <c>Compile(..., seed)</c> uses the
/// build's own generator: the seed fixes them whatever other threads draw.
/// </summary>
/// <param name="Reflections">K, the number of reflections (at least 1).</param>
public sealed record HouseholderStep(int Reflections) : BijSpec
{
    /// <summary>The step checks its own setting and that it sees vectors.</summary>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.VectorFeatures(path);
        if (Reflections < 1)
        {
            throw new GenShapeException($"{path}.reflections", $"a Householder step needs at least one reflection, got {Reflections}.");
        }
    }

    /// <summary>The module: the K × D reflection vectors as one parameter.</summary>
    public override BijectorModule Compile(StepShape shape) => new Module(Reflections, shape.Features);

    /// <summary>Counts the K × D vectors, so a loader can bound a document that holds this step.</summary>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(shape);
        budget.Width($"{path}.reflections", Reflections);
        budget.Add(path, (Int128)Reflections * shape.Features);
    }

    /// <summary>Registers the step's JSON form under "householder_example" (once per process; later calls do nothing).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (!registered)
            {
                SpecJson.Register<HouseholderStep>("householder_example", (s, o) => o["reflections"] = s.Reflections, f => new HouseholderStep(f.Int("reflections")));
                registered = true;
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Householder(reflections: {Reflections})";

    private static readonly object Gate = new();
    private static bool registered;

    private sealed class Module : BijectorModule
    {
        private readonly Parameter vectors;

        public Module(int reflections, long features) : base("householder")
        {
            vectors = new Parameter(DeviceRandom.Normal(new[] { (long)reflections, features }, torch.float32, torch.CPU));
            // Under its field's name: TorchSharp re-binds fields by name when the module moves or changes dtype.
            register_parameter(nameof(vectors), vectors);
        }

        public override IBijector Build(torch.Tensor? context) => new Householder(vectors);
    }
}
