using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A network node that maps one event shape to another, such as the encoder and decoder of a latent-variable model:
/// an MLP (<see cref="MlpSpec"/>, any shapes, flattened), a convolutional encoder (<see cref="ConvEncoderSpec"/>,
/// images to a vector) or a convolutional decoder (<see cref="ConvDecoderSpec"/>, a vector to images). The shapes come
/// from where the node is used; <see cref="Layers"/> infers every layer's shape from them and rejects shapes the node
/// cannot map, so a model that declares a network checks it at once. A network of your own derives a record from it
/// (<see cref="Trace"/>, <see cref="Build"/>, and <see cref="Measure"/> for documents from elsewhere) and registers a
/// JSON form with <see cref="SpecJson.Register{TNode}"/> to be written and saved.
/// </summary>
public abstract record NetworkSpec
{
    /// <summary>Creates the node.</summary>
    protected NetworkSpec()
    {
    }

    /// <summary>
    /// The shape of one event before and after each layer, when the network maps events of shape
    /// <paramref name="input"/> to events of shape <paramref name="output"/>.
    /// </summary>
    /// <param name="input">The input event shape ([features] or [channels, height, width]).</param>
    /// <param name="output">The output event shape.</param>
    /// <exception cref="GenShapeException">The network cannot map these shapes; the message names the layer and the shapes.</exception>
    public IReadOnlyList<LayerShape> Layers(IReadOnlyList<int> input, IReadOnlyList<int> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        return Trace("network", CheckedShape("network.input", input), CheckedShape("network.output", output));
    }

    /// <summary>
    /// Checks the node's own sizes and that it maps events <paramref name="input"/> to <paramref name="output"/>, and
    /// gives each layer's shapes; a <see cref="GenShapeException"/> names <paramref name="path"/> and the layer.
    /// </summary>
    /// <param name="path">Where the node sits in the spec, such as <c>vae.encoder</c>.</param>
    /// <param name="input">The input event shape.</param>
    /// <param name="output">The output event shape.</param>
    public abstract IReadOnlyList<LayerShape> Trace(string path, long[] input, long[] output);

    /// <summary>
    /// Builds the layers for inputs [..., input] (any number of leading batch dimensions) giving [..., output]. An
    /// encoder's last layer is a <see cref="TorchSharp.Modules.Linear"/> registered as <c>output</c> (posterior flows
    /// start their rows of it at the identity).
    /// </summary>
    /// <param name="input">The input event shape.</param>
    /// <param name="output">The output event shape.</param>
    public abstract torch.nn.Module<torch.Tensor, torch.Tensor> Build(long[] input, long[] output);

    /// <summary>
    /// The checks of <see cref="Trace"/> without the list of layers; a network whose layers fit any shapes (an MLP)
    /// overrides it to check its own settings in one pass. This default traces and discards.
    /// </summary>
    /// <param name="path">Where the node sits in the spec.</param>
    /// <param name="input">The input event shape.</param>
    /// <param name="output">The output event shape.</param>
    public virtual void CheckShapes(string path, long[] input, long[] output) => Trace(path, input, output);

    /// <summary>
    /// Counts what <see cref="Build"/> builds for the same shapes into <paramref name="budget"/>; <paramref name="path"/>
    /// names the node. Every network Gen ships counts itself; this default counts nothing, which is enough for a node
    /// that is never read from a document you did not write.
    /// </summary>
    /// <param name="budget">The budget to count into; it throws at the first value past a limit.</param>
    /// <param name="path">Where the node sits in the spec.</param>
    /// <param name="input">The input event shape.</param>
    /// <param name="output">The output event shape.</param>
    public virtual void Measure(SpecBudget budget, string path, long[] input, long[] output)
    {
    }

    /// <summary>
    /// Whether an example's output depends on the other examples of its batch in training mode through normalisation
    /// over the batch (batch normalisation), which a gradient penalty on a critic cannot allow. The networks Gen ships
    /// say so from their normalisation; a network of your own that normalises over the batch overrides it to say true.
    /// A minibatch standard deviation layer (<see cref="ResNetDiscriminatorSpec.WithMinibatchStdDev"/>) couples the
    /// examples of a group through one number and does not count: ProGAN and StyleGAN2 take their gradient penalties
    /// through it, the gradient of the batch's summed output with respect to each example.
    /// </summary>
    public virtual bool DependsOnBatch => false;

    /// <summary>
    /// The classes of a one-hot label the network reads at the end of its input (a generator whose layers are
    /// conditioned on the class), or 0 when it reads none; a conditional model checks that its classes agree.
    /// </summary>
    public virtual int ConditioningClasses => 0;

    /// <summary>Rejects an empty shape or a size below 1.</summary>
    private static long[] CheckedShape(string path, IReadOnlyList<int> shape)
    {
        if (shape.Count == 0 || shape.Any(d => d < 1))
        {
            throw new GenShapeException(path, $"an event shape needs one or more positive sizes, got [{string.Join(", ", shape)}].");
        }

        return shape.Select(d => (long)d).ToArray();
    }
}
