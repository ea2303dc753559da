using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch.nn;

namespace Gen.Dsl;

/// <summary>
/// A multilayer perceptron with the given hidden widths. Its input and output widths come from where it is
/// used (a coupling layer maps its features to a shift and a log-scale per feature). As a <see cref="NetworkSpec"/> it
/// takes and gives events of any shape, flattened on the way in and reshaped on the way out.
/// </summary>
/// <param name="Hidden">Hidden-layer widths, in order.</param>
/// <param name="Activation">The activation after each hidden layer.</param>
/// <remarks>Hidden layers may be normalised (<see cref="WithNormalization"/>); the output layer never is.</remarks>
public sealed record MlpSpec(ValueList<int> Hidden, Activation Activation) : NetworkSpec
{
    /// <summary>The normalisation after each hidden layer, before its activation; none by default.</summary>
    public Normalization Normalization { get; init; }

    /// <summary>The same network with another activation.</summary>
    public MlpSpec WithActivation(Activation activation) => this with { Activation = activation };

    /// <summary>The same network with <paramref name="normalization"/> after each hidden layer, before its activation.</summary>
    /// <exception cref="GenShapeException">The value is not one of the named normalisations.</exception>
    public MlpSpec WithNormalization(Normalization normalization)
    {
        NormalizationLayers.Check("mlp.normalization", normalization);
        return this with { Normalization = normalization };
    }

    /// <inheritdoc/>
    public override bool DependsOnBatch => Normalization == Normalization.Batch;

    /// <inheritdoc/>
    public override string ToString() => $"Mlp({string.Join(", ", Hidden)}; {Activation.ToString().ToLowerInvariant()}{NormalizationLayers.Suffix(Normalization)})";

    /// <summary>Checks the activation, normalisation and widths, throwing <see cref="GenShapeException"/> naming <paramref name="path"/>.</summary>
    /// <param name="path">Where the network sits in the spec, such as <c>flow.steps[0].net</c>.</param>
    public void Check(string path)
    {
        CheckActivation($"{path}.activation", Activation);
        NormalizationLayers.Check($"{path}.normalization", Normalization);
        foreach (var (width, i) in Hidden.Select((w, i) => (w, i)))
        {
            if (width <= 0)
            {
                throw new GenShapeException($"{path}.hidden[{i}]", $"a layer width must be positive, got {width}.");
            }
        }
    }

    /// <summary>Rejects an activation that is not one of the named values of <see cref="Dsl.Activation"/>.</summary>
    internal static void CheckActivation(string path, Activation activation)
    {
        if (!Enum.IsDefined(activation))
        {
            throw new GenShapeException(path, $"unknown activation {(int)activation}; use one of {string.Join(", ", Enum.GetNames<Activation>())}.");
        }
    }

    /// <summary>An MLP flattens its input and fits any shapes, so only its own settings are checked.</summary>
    /// <param name="path">Where the node sits in the spec.</param>
    /// <param name="input">The input event shape.</param>
    /// <param name="output">The output event shape.</param>
    public override void CheckShapes(string path, long[] input, long[] output) => Check(path);

    /// <inheritdoc/>
    public override IReadOnlyList<LayerShape> Trace(string path, long[] input, long[] output)
    {
        Check(path);
        var layers = new List<LayerShape>();
        IEnumerable<long> shape = input;
        for (int i = 0; i < Hidden.Count; i++)
        {
            layers.Add(new LayerShape($"hidden[{i}]", shape, new long[] { Hidden[i] }));
            shape = new long[] { Hidden[i] };
        }

        layers.Add(new LayerShape("output", shape, output));
        return layers;
    }

    /// <inheritdoc/>
    public override torch.nn.Module<torch.Tensor, torch.Tensor> Build(long[] input, long[] output)
    {
        // Vector to vector is the plain layer stack, so its parameter names and initial weights do not depend on
        // whether it is used as a network node. Other shapes add parameter-free reshapes at the ends.
        var layers = LayerList(LayerShape.Flat(input)[0], LayerShape.Flat(output)[0], zeroLast: false);
        if (input.Length != 1)
        {
            layers.Insert(0, ("flatten", new EventReshape("flatten", input.Length, LayerShape.Flat(input))));
        }

        if (output.Length != 1)
        {
            layers.Add(("unflatten", new EventReshape("unflatten", 1, output)));
        }

        return Sequential(layers);
    }

    /// <summary>Builds the layers; when <paramref name="zeroLast"/> the output layer starts at zero (identity flows).</summary>
    /// <param name="inputs">Features in (after the leading batch dimensions).</param>
    /// <param name="outputs">Features out.</param>
    /// <param name="zeroLast">Whether the output layer's weight and bias start at zero, so that a step whose parameters it computes starts at the identity.</param>
    public Sequential Build(long inputs, long outputs, bool zeroLast) => Sequential(LayerList(inputs, outputs, zeroLast));

    private List<(string, torch.nn.Module<torch.Tensor, torch.Tensor>)> LayerList(long inputs, long outputs, bool zeroLast)
    {
        var layers = new List<(string, torch.nn.Module<torch.Tensor, torch.Tensor>)>();
        long width = inputs;
        for (int i = 0; i < Hidden.Count; i++)
        {
            layers.Add(($"linear{i}", LayerInitialization.Seeded(Linear(width, Hidden[i]))));
            if (NormalizationLayers.Features(Normalization, Hidden[i]) is { } norm)
            {
                layers.Add(($"norm{i}", norm));
            }

            layers.Add(($"act{i}", MakeActivation(Activation)));
            width = Hidden[i];
        }

        var last = LayerInitialization.Seeded(Linear(width, outputs));
        if (zeroLast)
        {
            using var noGrad = torch.no_grad();
            last.weight!.zero_();
            last.bias!.zero_();
        }

        layers.Add(("output", last));
        return layers;
    }

    internal static torch.nn.Module<torch.Tensor, torch.Tensor> MakeActivation(Activation a) => a switch
    {
        Activation.Relu => ReLU(),
        Activation.Tanh => Tanh(),
        Activation.Gelu => GELU(),
        Activation.LeakyRelu => LeakyReLU(0.01),
        Activation.Silu => SiLU(),
        Activation.LeakyRelu02 => LeakyReLU(0.2),
        _ => throw new ArgumentOutOfRangeException(nameof(a), a, "Unknown activation."),
    };

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, long[] input, long[] output) =>
        Measure(budget, path, Product(input), Product(output));

    /// <summary>
    /// Counts what <see cref="Build(long, long, bool)"/> builds for <paramref name="inputs"/> and <paramref name="outputs"/>
    /// into <paramref name="budget"/>; with <paramref name="spectralNorm"/>, each linear layer also keeps its power
    /// iteration's two vectors (one per output, one per input).
    /// </summary>
    /// <param name="budget">The budget to count into.</param>
    /// <param name="path">Where the network sits in the spec.</param>
    /// <param name="inputs">Features in.</param>
    /// <param name="outputs">Features out.</param>
    /// <param name="spectralNorm">Whether each linear layer is spectrally normalised.</param>
    public void Measure(SpecBudget budget, string path, Int128 inputs, Int128 outputs, bool spectralNorm = false)
    {
        Int128 width = inputs;
        for (int i = 0; i < Hidden.Count; i++)
        {
            var layer = $"{path}.hidden[{i}]";
            budget.Width(layer, Hidden[i]);
            budget.Linear(layer, width, Hidden[i]);
            budget.Buffer(layer, spectralNorm ? width + Hidden[i] : 0);
            if (Normalization != Normalization.None)
            {
                // Batch and layer normalisation both learn a scale and a shift per unit; batch normalisation also keeps statistics.
                budget.Add(layer, 2L * Hidden[i]);
                if (Normalization == Normalization.Batch)
                {
                    budget.BatchStatistics(layer, Hidden[i]);
                }
            }

            width = Hidden[i];
        }

        budget.Linear($"{path}.output", width, outputs);
        budget.Buffer($"{path}.output", spectralNorm ? width + outputs : 0);
    }

    /// <summary>The number of values in an event of <paramref name="shape"/>, in 128 bits.</summary>
    internal static Int128 Product(long[] shape)
    {
        Int128 n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        return n;
    }
}
