using System;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A MADE (Germain et al. 2015): a masked multilayer perceptron over <paramref name="Features"/> inputs whose outputs
/// for each feature depend only on the features before it in <paramref name="Order"/>. Compile it as a density
/// model of binary vectors (<see cref="Compile"/>) or as a bare network with any number of outputs per feature and an
/// optional context (<see cref="CompileNetwork"/>). Build it with <see cref="Autoregressive.Made"/>.
/// </summary>
/// <param name="Features">D, the number of features.</param>
/// <param name="Hidden">Hidden-layer widths, in order (at least one layer).</param>
/// <param name="OutputsPerFeature">K, outputs per feature (1 for a Bernoulli logit, 2 for a shift and a log-scale, …).</param>
/// <param name="ContextFeatures">C, the width of a context that feeds every hidden unit and output; 0 for none.</param>
/// <param name="Order">The order of the features.</param>
/// <param name="Degrees">How hidden units get their degrees.</param>
/// <param name="Masks">How many masks to cycle through (order- or connectivity-agnostic training when above 1).</param>
/// <param name="Activation">The activation after each hidden layer.</param>
public sealed record MadeSpec(
    long Features,
    ValueList<int> Hidden,
    int OutputsPerFeature,
    long ContextFeatures,
    InputOrder Order,
    HiddenDegrees Degrees,
    int Masks,
    Activation Activation) : IModelSpec<MadeModel>, ISizedSpec
{
    private const string Path = "made";

    /// <summary>The same spec with another order.</summary>
    public MadeSpec WithOrder(InputOrder order) => Checked(this with { Order = order ?? throw new ArgumentNullException(nameof(order)) });

    /// <summary>The same spec with another degree assignment.</summary>
    public MadeSpec WithDegrees(HiddenDegrees degrees) => Checked(this with { Degrees = degrees ?? throw new ArgumentNullException(nameof(degrees)) });

    /// <summary>The same spec with K outputs per feature (for <see cref="CompileNetwork"/>).</summary>
    public MadeSpec WithOutputsPerFeature(int outputsPerFeature) => Checked(this with { OutputsPerFeature = outputsPerFeature });

    /// <summary>The same spec with a context of <paramref name="features"/> features (for <see cref="CompileNetwork"/>).</summary>
    public MadeSpec WithContext(long features) => Checked(this with { ContextFeatures = features });

    /// <summary>
    /// The same spec cycling through <paramref name="count"/> masks. Each mask draws a new order when the order is
    /// random and new hidden degrees when the degrees are random; at least one of them must be.
    /// </summary>
    public MadeSpec WithMasks(int count) => Checked(this with { Masks = count });

    /// <summary>The same spec with another activation.</summary>
    public MadeSpec WithActivation(Activation activation) => Checked(this with { Activation = activation });

    /// <summary>
    /// Whether the outputs also read the inputs directly, through a masked linear map from every feature to the outputs
    /// of the features after it (an FVSBN term beside the hidden layers), as in the MADE paper's code for its
    /// binarized-MNIST results. Off by default.
    /// </summary>
    public bool DirectConnections { get; init; }

    /// <summary>The same spec with (or without) direct connections from the inputs to the outputs (<see cref="DirectConnections"/>).</summary>
    public MadeSpec WithDirectConnections(bool on = true) => Checked(this with { DirectConnections = on });

    /// <summary>
    /// Compiles the network alone: a module mapping [..., D] (and a context [..., C]) to [..., D, K]. With a
    /// <paramref name="seed"/>, the initial weights are the same on every compile (even while other threads compile or draw through Gen; see <see cref="Seed.Building{T}"/>).
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    public Made CompileNetwork(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Check();
        return SpecCompiler.Compile(() => Build(Path), device, dtype, seed);
    }

    /// <summary>
    /// Compiles the density model of binary vectors (K = 1, no context). With a <paramref name="seed"/>, the initial
    /// weights are the same on every compile (even while other threads compile or draw through Gen; see <see cref="Seed.Building{T}"/>).
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    /// <exception cref="GenShapeException">The spec has K ≠ 1 or a context.</exception>
    public MadeModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Check();
        if (OutputsPerFeature != 1)
        {
            throw new GenShapeException($"{Path}.outputs_per_feature", $"a binary density model has one logit per feature, but the spec has {OutputsPerFeature}; use CompileNetwork for other heads.");
        }

        if (ContextFeatures != 0)
        {
            throw new GenShapeException($"{Path}.context", $"the density model takes no context, but the spec has {ContextFeatures} context features; use CompileNetwork for a conditional network.");
        }

        return SpecCompiler.Compile(() => new MadeModel(this, Build(Path)), device, dtype, seed);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var extras = (OutputsPerFeature != 1 ? $", outputs: {OutputsPerFeature}" : "")
            + (ContextFeatures != 0 ? $", context: {ContextFeatures}" : "")
            + (Masks != 1 ? $", masks: {Masks}" : "")
            + (DirectConnections ? ", direct connections" : "");
        return $"Made({Features}; hidden: {Hidden}, order: {Order}, degrees: {Degrees}{extras}; {Activation.ToString().ToLowerInvariant()})";
    }

    internal static MadeSpec Checked(MadeSpec spec)
    {
        spec.Check();
        return spec;
    }

    /// <summary>Checks the spec; errors name the field under <paramref name="path"/>.</summary>
    internal void Check(string path = Path)
    {
        if (Features < 1)
        {
            throw new GenShapeException($"{path}.features", $"the number of features must be positive, got {Features}.");
        }

        CheckNetwork(path, Hidden, Order, Degrees, Masks, Features);
        MlpSpec.CheckActivation($"{path}.activation", Activation);
        if (OutputsPerFeature < 1)
        {
            throw new GenShapeException($"{path}.outputs_per_feature", $"must be positive, got {OutputsPerFeature}.");
        }

        if (ContextFeatures < 0)
        {
            throw new GenShapeException($"{path}.context", $"the context width must be 0 (none) or positive, got {ContextFeatures}.");
        }
    }

    /// <summary>The checks a MADE conditioner needs wherever it is used (here and in autoregressive flow layers).</summary>
    internal static void CheckNetwork(string path, ValueList<int> hidden, InputOrder order, HiddenDegrees degrees, int masks, long features)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(degrees);
        if (hidden.Count == 0)
        {
            throw new GenShapeException($"{path}.hidden", "a MADE needs at least one hidden layer.");
        }

        foreach (var (width, i) in hidden.Select((w, i) => (w, i)))
        {
            if (width <= 0)
            {
                throw new GenShapeException($"{path}.hidden[{i}]", $"a layer width must be positive, got {width}.");
            }
        }

        order.Check($"{path}.order", features);
        if (masks < 1)
        {
            throw new GenShapeException($"{path}.masks", $"the number of masks must be positive, got {masks}.");
        }

        if (masks > 1 && !order.IsRandom && !degrees.IsRandom)
        {
            throw new GenShapeException($"{path}.masks",
                $"{masks} masks with order {order} and {degrees} degrees would all be the same; use InputOrder.Random or HiddenDegrees.Random.");
        }
    }

    private Made Build(string path) =>
        new(Features, Hidden, OutputsPerFeature, ContextFeatures, Order, Degrees, Masks, Activation, path, DirectConnections);

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        budget.Features($"{Path}.features", Features);
        budget.Features($"{Path}.context", ContextFeatures);
        budget.Width($"{Path}.outputs_per_feature", OutputsPerFeature);
        MeasureNetwork(budget, Path, Features, Hidden, OutputsPerFeature, ContextFeatures);
        if (DirectConnections)
        {
            budget.Linear($"{Path}.direct", Features, Features * (Int128)OutputsPerFeature);
            budget.Buffer($"{Path}.direct.mask", Features * (Int128)Features * OutputsPerFeature);
        }
    }

    /// <summary>
    /// Counts a <see cref="Made"/> network into <paramref name="budget"/>: masked layers from <paramref name="features"/>
    /// through <paramref name="hidden"/> to <paramref name="outputsPerFeature"/> outputs per feature, and, with a
    /// context, an unmasked bias-free layer from the context into each of them.
    /// </summary>
    internal static void MeasureNetwork(SpecBudget budget, string path, long features, ValueList<int> hidden, int outputsPerFeature, long contextFeatures)
    {
        budget.Features(path, features);
        Int128 width = features;
        for (int l = 0; l <= hidden.Count; l++)
        {
            var layer = l < hidden.Count ? $"{path}.hidden[{l}]" : $"{path}.output";
            Int128 next = l < hidden.Count ? hidden[l] : features * (Int128)outputsPerFeature;
            if (l < hidden.Count)
            {
                budget.Width(layer, next);
            }

            budget.Linear(layer, width, next);
            budget.Buffer($"{layer}.mask", width * next);
            if (contextFeatures > 0)
            {
                budget.Linear($"{layer}.context", contextFeatures, next, bias: false);
            }

            width = next;
        }
    }
}
