using System;
using System.Globalization;
using System.Linq;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// The features the sample-quality metrics compare (<see cref="FrechetDistance"/>, <see cref="KernelDistance"/>,
/// <see cref="PrecisionRecall"/>) for a data set without Inception: a classifier trained on that set's labelled images,
/// whose last hidden layer (ReLU units) gives each image's features. Report its test accuracy and its architecture next
/// to any distance computed on it (<see cref="Description"/>): values from different feature networks do not compare,
/// and none of them is Inception's FID.
/// </summary>
public sealed class ClassifierFeatures : IDisposable
{
    private const string Node = "classifier_features";
    private readonly Sequential body;
    private readonly Linear head;
    private readonly long inputs;

    private ClassifierFeatures(long inputs, int hidden, int features, int classes, string data)
    {
        this.inputs = inputs;
        body = torch.nn.Sequential(LayerInitialization.Seeded(torch.nn.Linear(inputs, hidden)), torch.nn.ReLU(), LayerInitialization.Seeded(torch.nn.Linear(hidden, features)), torch.nn.ReLU());
        head = LayerInitialization.Seeded(torch.nn.Linear(features, classes));
        Description = string.Create(CultureInfo.InvariantCulture, $"an MLP {inputs}-{hidden}-{features}-{classes} (ReLU) trained on {data}; features: its {features} last hidden units");
    }

    /// <summary>What the features are: the network and the data it was trained on, and (after <see cref="Accuracy"/>) its test accuracy.</summary>
    public string Description { get; private set; }

    /// <summary>
    /// Trains the classifier on <paramref name="images"/> [n, ...] (any shape per image; flattened) with labels [n] in
    /// 0 … <paramref name="classes"/> − 1: Adam at 10⁻³, batches of 100, cross-entropy, a seeded order and seeded
    /// initial weights, on the images' device, in their dtype.
    /// </summary>
    /// <param name="images">The labelled images, scaled as the samples to be measured will be.</param>
    /// <param name="labels">Their classes, int64 [n].</param>
    /// <param name="classes">How many classes.</param>
    /// <param name="data">The data set's name, for <see cref="Description"/>.</param>
    /// <param name="seed">Seed of the weights and the minibatch order.</param>
    /// <param name="epochs">Passes over the images.</param>
    /// <param name="hidden">Width of the first hidden layer.</param>
    /// <param name="features">Width of the second, the features.</param>
    /// <exception cref="GenShapeException">The images and labels disagree in number, or the labels are not [n].</exception>
    /// <exception cref="ArgumentException">A label is outside 0 … classes − 1.</exception>
    public static ClassifierFeatures Train(torch.Tensor images, torch.Tensor labels, int classes, string data, long seed, int epochs = 10, int hidden = 256, int features = 64)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.dim() < 2 || labels.dim() != 1 || labels.shape[0] != images.shape[0])
        {
            throw new GenShapeException(Node, $"expects images [n, ...] and labels [n], got {Shape.Format(images.shape)} and {Shape.Format(labels.shape)}.");
        }

        using (var scope = torch.NewDisposeScope())
        {
            if (labels.lt(0).any().item<bool>() || labels.ge(classes).any().item<bool>())
            {
                throw new ArgumentException($"{Node}: labels must lie in 0 … {classes - 1}.", nameof(labels));
            }
        }

        long inputs = images[0].numel();
        var model = Seed.Building(seed, () => new ClassifierFeatures(inputs, hidden, features, classes, data));
        model.body.to(images.device).to(images.dtype);
        model.head.to(images.device).to(images.dtype);
        var flat = images.flatten(1);
        var parameters = model.body.parameters().Concat(model.head.parameters()).ToArray();
        using var adam = new FusedAdam(parameters, 1e-3);
        using var order = Seed.Generator(seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var permutation = torch.randperm(flat.shape[0], generator: order).to(flat.device);
            for (long start = 0; start < flat.shape[0]; start += 100)
            {
                using var step = torch.NewDisposeScope();
                var index = permutation.narrow(0, start, Math.Min(100, flat.shape[0] - start));
                adam.ZeroGrad();
                var loss = torch.nn.functional.cross_entropy(model.head.forward(model.body.forward(flat.index_select(0, index))), labels.index_select(0, index));
                loss.backward();
                adam.Step();
            }

            permutation.Dispose();
        }

        return model;
    }

    /// <summary>The features of <paramref name="images"/> [n, ...], [n, features], without gradient.</summary>
    /// <param name="images">Images shaped and scaled as the training images were.</param>
    /// <exception cref="GenShapeException">An image has another number of values than the training images.</exception>
    public torch.Tensor Features(torch.Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() < 2 || images[0].numel() != inputs)
        {
            throw new GenShapeException(Node, $"expects images of {inputs} values each, got a tensor of shape {Shape.Format(images.shape)}.");
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var parts = Enumerable.Range(0, (int)((images.shape[0] + 999) / 1000))
            .Select(i => body.forward(images.narrow(0, i * 1000L, Math.Min(1000, images.shape[0] - (i * 1000L))).flatten(1))).ToArray();
        return torch.cat(parts).MoveToOuterDisposeScope();
    }

    /// <summary>The share of <paramref name="images"/> classified as their <paramref name="labels"/>; it is added to <see cref="Description"/>.</summary>
    /// <param name="images">Held-out images.</param>
    /// <param name="labels">Their classes.</param>
    public double Accuracy(torch.Tensor images, torch.Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var predicted = head.forward(Features(images)).argmax(1);
        double accuracy = predicted.eq(labels).to(torch.float64).mean().item<double>();
        Description = string.Create(CultureInfo.InvariantCulture, $"{Description.Split("; held-out accuracy")[0]}; held-out accuracy {accuracy:F3} ({labels.shape[0]} images)");
        return accuracy;
    }

    /// <summary>Releases the network.</summary>
    public void Dispose()
    {
        body.Dispose();
        head.Dispose();
    }
}
