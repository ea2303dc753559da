using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// MADE, the masked autoencoder for distribution estimation (Germain et al. 2015): a multilayer perceptron whose
/// weights are masked so that the outputs for feature d depend only on the features before d in the model's order.
/// It maps x of shape [..., D] to [..., D, K], K outputs per feature (2 for a shift and a log-scale, K logits for a
/// categorical, …), so one pass gives every conditional of an autoregressive model.
/// </summary>
/// <remarks>
/// An optional context (shape [..., C]) feeds every hidden layer and the output layer through unmasked weights: it
/// may inform every conditional, including the first one. Order-agnostic training keeps several masks: call
/// <see cref="NextMask"/> before each minibatch, and average over masks at evaluation.
/// Build it from a <see cref="MadeSpec"/> (<see cref="MadeSpec.CompileNetwork"/>).
/// </remarks>
public sealed class Made : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    private readonly ModuleList<MaskedLinear> layers;
    private readonly ModuleList<Linear> context;
    private readonly MaskedLinear? direct;
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor> activation;
    private readonly int[] hidden;
    private readonly InputOrder orderSpec;
    private readonly HiddenDegrees degreesSpec;
    private readonly string path;
    private long[] order;

    internal Made(long features, IReadOnlyList<int> hidden, int outputsPerFeature, long contextFeatures,
        InputOrder order, HiddenDegrees degrees, int maskCount, Activation activation, string path, bool directConnections = false) : base("made")
    {
        Features = features;
        OutputsPerFeature = outputsPerFeature;
        ContextFeatures = contextFeatures;
        MaskCount = maskCount;
        this.hidden = hidden.ToArray();
        orderSpec = order;
        degreesSpec = degrees;
        this.path = path;

        var masks = Draw(0);
        this.order = masks.Order;
        var widths = new[] { features }.Concat(hidden.Select(h => (long)h)).Append(features * outputsPerFeature).ToArray();
        var masked = new MaskedLinear[widths.Length - 1];
        for (int l = 0; l < masked.Length; l++)
        {
            using var m = masks.Layer(l, widths[l + 1], widths[l]);
            masked[l] = new MaskedLinear(widths[l], widths[l + 1], m);
        }

        layers = new ModuleList<MaskedLinear>(masked);
        this.context = contextFeatures > 0
            ? new ModuleList<Linear>(widths.Skip(1).Select(w => LayerInitialization.Seeded(torch.nn.Linear(contextFeatures, w, hasBias: false))).ToArray())
            : new ModuleList<Linear>();
        this.activation = MlpSpec.MakeActivation(activation);
        register_module(nameof(layers), layers);
        register_module(nameof(this.context), this.context);
        register_module(nameof(this.activation), this.activation);
        if (directConnections)
        {
            // Registered only when asked for, so a network without them keeps its state-dict names.
            using var m = masks.Direct(outputsPerFeature);
            direct = new MaskedLinear(features, features * outputsPerFeature, m);
            register_module(nameof(direct), direct);
        }
    }

    /// <summary>D, the number of features.</summary>
    public long Features { get; }

    /// <summary>K, the number of outputs per feature.</summary>
    public int OutputsPerFeature { get; }

    /// <summary>C, the width of the context (0 for none).</summary>
    public long ContextFeatures { get; }

    /// <summary>How many masks the network cycles through (1 unless trained order- or connectivity-agnostically).</summary>
    public int MaskCount { get; }

    /// <summary>The index of the mask in use.</summary>
    public int CurrentMask { get; private set; }

    /// <summary>The order of the mask in use: position p holds feature <c>Order[p]</c>.</summary>
    public long[] Order => (long[])order.Clone();

    /// <summary>The masked layers, hidden layers first, then the output layer.</summary>
    public IReadOnlyList<MaskedLinear> Layers => layers.ToArray();

    /// <summary>
    /// The outputs for a batch: shape [..., D, K], where [..., d, :] depends only on the features before d in
    /// <see cref="Order"/> (and on the context).
    /// </summary>
    /// <param name="x">Inputs of shape [..., D].</param>
    /// <param name="contextValues">The context, shape [..., C] broadcasting against x's leading dimensions; null exactly when C is 0.</param>
    /// <exception cref="GenShapeException">x or the context has the wrong width, or a context is missing or unexpected.</exception>
    public torch.Tensor Forward(torch.Tensor x, torch.Tensor? contextValues)
    {
        CheckInputs(x, contextValues);
        using var scope = torch.NewDisposeScope();
        var h = x;
        for (int l = 0; l < layers.Count; l++)
        {
            h = layers[l].forward(h);
            if (contextValues is not null)
            {
                h = h + context[l].forward(contextValues);
            }

            if (l < layers.Count - 1)
            {
                h = activation.forward(h);
            }
        }

        if (direct is not null)
        {
            h = h + direct.forward(x);
        }

        var shape = h.shape[..^1].Append(Features).Append(OutputsPerFeature).ToArray();
        return h.reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>The outputs for a batch without context: shape [..., D, K].</summary>
    public override torch.Tensor forward(torch.Tensor input) => Forward(input, null);

    /// <summary>Switches to mask number <paramref name="index"/> (its order and hidden degrees), in place.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not in 0..<see cref="MaskCount"/>−1.</exception>
    public void UseMask(int index)
    {
        if (index < 0 || index >= MaskCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{path}: has masks 0..{MaskCount - 1}.");
        }

        if (index == CurrentMask)
        {
            return;
        }

        var masks = Draw(index);
        for (int l = 0; l < layers.Count; l++)
        {
            var current = layers[l].Mask;
            using var m = masks.Layer(l, current.shape[0], current.shape[1]);
            layers[l].SetMask(m);
        }

        if (direct is not null)
        {
            using var m = masks.Direct(OutputsPerFeature);
            direct.SetMask(m);
        }

        order = masks.Order;
        CurrentMask = index;
    }

    /// <summary>Moves on to the next mask (cyclically); call once per minibatch for order-agnostic training.</summary>
    public void NextMask() => UseMask((CurrentMask + 1) % MaskCount);

    /// <summary>Sets the output layer's weights and bias to zero, so a fresh affine flow layer is the identity.</summary>
    internal void ZeroOutput()
    {
        using var noGrad = torch.no_grad();
        layers[^1].Weight.zero_();
        layers[^1].Bias.zero_();
        if (direct is not null)
        {
            direct.Weight.zero_();
            direct.Bias.zero_();
        }

        if (context.Count > 0)
        {
            context[^1].weight!.zero_();
        }
    }

    /// <summary>
    /// Which inputs each feature's outputs can reach through the current masks: [D, D] with 1 where output d has a
    /// path from input j.
    /// </summary>
    internal torch.Tensor Reachable()
    {
        using var scope = torch.NewDisposeScope();
        var reach = layers[0].Mask.to(torch.float64, torch.CPU);
        for (int l = 1; l < layers.Count; l++)
        {
            reach = layers[l].Mask.to(torch.float64, torch.CPU).matmul(reach).clamp_max(1);
        }

        if (direct is not null)
        {
            reach = (reach + direct.Mask.to(torch.float64, torch.CPU)).clamp_max(1);
        }

        return reach.reshape(Features, OutputsPerFeature, Features).amax(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The network one feature at a time (<see cref="ISequentialConditioner"/>): each hidden unit is computed once, right
    /// after the last feature it reads through the masks is fixed, and a feature's outputs read only units computed by
    /// then; so solving or sampling feature by feature costs about one pass instead of D.
    /// </summary>
    /// <param name="contextValues">The context, broadcasting against the values' leading dimensions; null exactly when C is 0.</param>
    internal ISequentialConditioner Sequential(torch.Tensor? contextValues) => new SequentialConditioner(this, contextValues);

    /// <summary>Ancestral sampling through <see cref="Sequential"/>: <paramref name="draw"/> gives feature f's values [count] from its outputs [count, K].</summary>
    internal torch.Tensor SampleIncrementally(long count, torch.Tensor? contextValues, Func<long, torch.Tensor, torch.Tensor> draw, torch.Tensor reference)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = torch.zeros(new[] { count, Features }, dtype: reference.dtype, device: reference.device);
        using (var solve = new MadeSequentialSolve(this, x, contextValues))
        {
            foreach (var feature in order)
            {
                using var step = torch.NewDisposeScope();
                x.select(1, feature).copy_(draw(feature, solve.Parameters(feature)));
                solve.Fixed(feature);
            }
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The masked weights of each layer, [out, in], and its bias and context weights, for <see cref="MadeSequentialSolve"/>.</summary>
    internal (torch.Tensor Weight, torch.Tensor Bias, Linear? Context)[] MaskedLayers() =>
        layers.Select((l, i) => (l.Weight * l.Mask, (torch.Tensor)l.Bias, context.Count > 0 ? context[i] : null)).ToArray();

    /// <summary>The masked weights and bias of the direct connections, [D·K, D] and [D·K], or null without them.</summary>
    internal (torch.Tensor Weight, torch.Tensor Bias)? MaskedDirect() => direct is null ? null : (direct.Weight * direct.Mask, direct.Bias);

    /// <summary>The activation between layers.</summary>
    internal torch.Tensor Activate(torch.Tensor x) => activation.forward(x);

    /// <summary>The widths of the hidden layers.</summary>
    internal IReadOnlyList<int> Hidden => hidden;

    /// <summary>The order of the mask in use, not copied.</summary>
    internal long[] CurrentOrder => order;

    private sealed class SequentialConditioner(Made made, torch.Tensor? contextValues) : ISequentialConditioner
    {
        public IReadOnlyList<long> Order => made.order;

        public ISequentialSolve Begin(torch.Tensor values) => new MadeSequentialSolve(made, values, contextValues);
    }

    /// <summary>
    /// For each hidden layer, the position after which each unit's inputs are all fixed: the largest input position
    /// (1-based) it reads through the masks, carried up the layers; 0 for a unit that reads no feature.
    /// </summary>
    internal int[][] FinalPositions()
    {
        var position = new int[Features];
        for (int p = 0; p < Features; p++)
        {
            position[order[p]] = p + 1;
        }

        var below = position;
        var result = new int[layers.Count - 1][];
        for (int l = 0; l < layers.Count - 1; l++)
        {
            using var mask = layers[l].Mask.to(torch.float32, torch.CPU).contiguous();
            var m = mask.data<float>().ToArray();
            int rows = (int)mask.shape[0], cols = (int)mask.shape[1];
            var above = new int[rows];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    if (m[(i * cols) + j] != 0)
                    {
                        above[i] = Math.Max(above[i], below[j]);
                    }
                }
            }

            result[l] = above;
            below = above;
        }

        return result;
    }

    private MadeMasks Draw(int index) =>
        MadeMasks.Draw(Features, hidden, OutputsPerFeature, orderSpec, degreesSpec, index, path);

    private void CheckInputs(torch.Tensor x, torch.Tensor? contextValues)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() < 1 || x.shape[^1] != Features)
        {
            throw new GenShapeException(path, $"expects inputs [..., {Features}], got a tensor of shape {Shape.Format(x.shape)}.");
        }

        if (ContextFeatures == 0 && contextValues is not null)
        {
            throw new GenShapeException($"{path}.context", $"the network takes no context, but got one of shape {Shape.Format(contextValues.shape)}.");
        }

        if (ContextFeatures > 0 && (contextValues is null || contextValues.dim() < 1 || contextValues.shape[^1] != ContextFeatures))
        {
            var got = contextValues is null ? "none" : $"a tensor of shape {Shape.Format(contextValues.shape)}";
            throw new GenShapeException($"{path}.context", $"expects a context [..., {ContextFeatures}], got {got}.");
        }
    }
}
