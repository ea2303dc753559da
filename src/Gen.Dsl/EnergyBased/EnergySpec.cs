using System;
using System.Linq;
using System.Text;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// An energy-based model p(x) ∝ exp(−E(x)) declared as a spec: a network from data of <see cref="DataShape"/> (vectors or
/// images [C, H, W]) to one number per example, the energy. With <see cref="Classes"/> K ≥ 2 the network gives K logits
/// f(x) instead and the model is a joint energy model (JEM, Grathwohl et al. 2020): p(y | x) = softmax f(x) as a
/// classifier, and E(x) = −log Σ_y exp f(x)[y] as the energy of x. Train it with <see cref="ContrastiveDivergence"/> (and
/// <see cref="JointEnergy"/> for JEM), sample it with an <see cref="McmcSampler"/>. Build it with <see cref="Energy"/>.
/// </summary>
/// <param name="DataShape">The shape of one example: [features] or [C, H, W].</param>
/// <param name="Network">The network from an example to the energy (or to the K logits).</param>
/// <param name="Classes">K ≥ 2 for a joint energy model over K classes; 0 for an energy alone.</param>
public sealed record EnergySpec(ValueList<int> DataShape, NetworkSpec Network, int Classes) : IModelSpec<EnergyModel>, ISizedSpec
{
    private const string Node = "energy";

    /// <summary>The same model with another network (from an example to one number, or to K logits).</summary>
    /// <exception cref="GenShapeException">The network cannot map the data to the output; the message names the layer.</exception>
    public EnergySpec WithNetwork(NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Checked(this with { Network = network });
    }

    /// <summary>
    /// The same model as a joint energy model over <paramref name="classes"/> classes: the network gives one logit per
    /// class, p(y | x) is their softmax and E(x) their negative log-sum-exp.
    /// </summary>
    /// <exception cref="GenShapeException">Fewer than 2 classes.</exception>
    public EnergySpec WithClasses(int classes)
    {
        if (classes < 2)
        {
            throw new GenShapeException($"{Node}.classes", $"a joint energy model needs 2 or more classes, got {classes}.");
        }

        return Checked(this with { Classes = classes });
    }

    /// <summary>The network's output per example: K logits, or the energy.</summary>
    internal long Outputs => Classes > 0 ? Classes : 1;

    /// <summary>The data shape as longs.</summary>
    internal long[] EventShape => DataShape.Select(d => (long)d).ToArray();

    /// <summary>
    /// Compiles the spec to a new, independent module on <paramref name="device"/>. With a <paramref name="seed"/>, the
    /// initial weights are the same on every compile.
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    /// <exception cref="GenShapeException">The spec does not fit together (possible when it was built with the record constructor).</exception>
    public EnergyModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Checked(this);
        return SpecCompiler.Compile(() => new EnergyModel(this), device, dtype, seed);
    }

    /// <summary>The spec as one line.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Energy over ").Append(Shape.Format(EventShape)).Append(": ").Append(Network);
        sb.Append(Classes > 0 ? $" -> {Classes} logits (joint energy model)" : " -> energy");
        return sb.ToString();
    }

    /// <summary>Checks the spec; throws <see cref="GenShapeException"/> naming the part.</summary>
    internal static EnergySpec Checked(EnergySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.DataShape is null || (spec.DataShape.Count != 1 && spec.DataShape.Count != 3) || spec.DataShape.Any(d => d < 1))
        {
            throw new GenShapeException($"{Node}.data", $"an energy model takes vectors [features] or images [C, H, W] of positive sizes, got {(spec.DataShape is null ? "none" : Shape.Format(spec.EventShape))}.");
        }

        if (spec.Classes < 0 || spec.Classes == 1)
        {
            throw new GenShapeException($"{Node}.classes", $"the classes must be 0 (an energy alone) or 2 or more, got {spec.Classes}.");
        }

        if (spec.Network is null)
        {
            throw new GenShapeException($"{Node}.network", "an energy model needs a network (Net.Mlp, Net.ConvEncoder).");
        }

        spec.Network.CheckShapes($"{Node}.network", spec.EventShape, new[] { spec.Outputs });
        return spec;
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        budget.Features($"{Node}.data", EventShape.Aggregate((Int128)1, (a, d) => a * d));
        Network.Measure(budget, $"{Node}.network", EventShape, new[] { Outputs });
    }
}
