using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>Checks of the class labels a conditional model takes, and their one-hot encoding.</summary>
internal static class ClassLabels
{
    /// <summary>
    /// Checks <paramref name="labels"/> against a model with <paramref name="classes"/> classes (0 for an unconditional
    /// model) and a batch of <paramref name="batch"/>, and makes them one-hot in the dtype of <paramref name="reference"/>;
    /// null for an unconditional model.
    /// </summary>
    /// <param name="labels">int64 class indices [batch], or null.</param>
    /// <param name="classes">The model's number of classes; 0 when unconditional.</param>
    /// <param name="batch">The batch size the labels must match.</param>
    /// <param name="node">The model's name in messages.</param>
    /// <param name="reference">A parameter of the model (dtype and device).</param>
    /// <param name="checkValues">Whether to check the range of the values (reads a flag back from the device).</param>
    /// <param name="usage">The calls that take labels, named in the message when they are missing.</param>
    public static torch.Tensor? OneHot(torch.Tensor? labels, int classes, long batch, string node, torch.Tensor reference, bool checkValues, string usage)
    {
        if (classes == 0)
        {
            if (labels is not null)
            {
                throw new ArgumentException($"{node}: the model is unconditional (0 classes), but labels were given.", nameof(labels));
            }

            return null;
        }

        if (labels is null)
        {
            throw new ArgumentException($"{node}: the model is conditioned on {classes} classes, so it needs labels ({usage}).", nameof(labels));
        }

        if (labels.dim() != 1 || labels.shape[0] != batch)
        {
            throw new GenShapeException($"{node}.labels", $"expects labels of shape [{batch}] (one per sample), got a tensor of shape {Shape.Format(labels.shape)}.");
        }

        if (labels.dtype != torch.int64)
        {
            throw new ArgumentException($"{node}: labels must be int64 class indices, got {labels.dtype}.", nameof(labels));
        }

        PixelLikelihood.CheckDevice(labels.device, node, reference, "labels");
        using var scope = torch.NewDisposeScope();
        if (checkValues && !labels.ge(0).logical_and(labels.lt(classes)).all().item<bool>())
        {
            throw new ArgumentException($"{node}: labels must lie in 0 … {classes - 1}; got values from {labels.min().ToInt64()} to {labels.max().ToInt64()}.", nameof(labels));
        }

        return torch.nn.functional.one_hot(labels, classes).to_type(reference.dtype).MoveToOuterDisposeScope();
    }
}
