using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Runtime;

namespace Gen.Dsl;

/// <summary>
/// Where a step of a flow sits: the shape of the events it sees, the width of the context the flow is conditioned
/// on (0: none), and the direction in which the flow lists its steps. A node checks itself against it and compiles for
/// it. The same step serves flows over any events ([features], [C, H, W], ...) listed in either direction.
/// </summary>
public sealed record StepShape
{
    /// <summary>Creates the shape.</summary>
    /// <param name="eventShape">The shape of one event at the step's input: [features] in a vector flow.</param>
    /// <param name="contextFeatures">The context's width; 0 for an unconditional flow.</param>
    /// <exception cref="ArgumentException">The event shape is empty or has a size below 1, or the context width is negative.</exception>
    public StepShape(IReadOnlyList<long> eventShape, long contextFeatures)
    {
        ArgumentNullException.ThrowIfNull(eventShape);
        if (eventShape.Count == 0 || eventShape.Any(d => d < 1))
        {
            throw new ArgumentException($"An event shape needs one or more positive sizes, got {Shape.Format(eventShape.ToArray())}.", nameof(eventShape));
        }

        if (contextFeatures < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(contextFeatures), contextFeatures, "A context width cannot be negative.");
        }

        Event = new ValueList<long>(eventShape);
        ContextFeatures = contextFeatures;
    }

    /// <summary>The shape of vector events of <paramref name="features"/> features, with a context of <paramref name="contextFeatures"/>.</summary>
    public static StepShape Vector(long features, long contextFeatures = 0) => new(new[] { features }, contextFeatures);

    /// <summary>The shape of one event at the step's input.</summary>
    public ValueList<long> Event { get; }

    /// <summary>The width of the context; 0 for an unconditional flow.</summary>
    public long ContextFeatures { get; }

    /// <summary>
    /// The direction the flow lists its steps in, which is the direction of each step's forward pass:
    /// <see cref="FlowDirection.BaseToData"/> (the default) for <see cref="Flow.Over"/>, <see cref="FlowDirection.DataToBase"/> for <see cref="Flow.DataToBase"/> and <see cref="ImageFlow"/>.
    /// </summary>
    public FlowDirection Direction { get; init; }

    /// <summary>The same place with events of shape <paramref name="eventShape"/> (after a step that changes the shape).</summary>
    /// <param name="eventShape">The new event shape.</param>
    /// <exception cref="ArgumentException">The event shape is empty or has a size below 1.</exception>
    public StepShape WithEvent(IReadOnlyList<long> eventShape) => new(eventShape, ContextFeatures) { Direction = Direction };

    /// <summary>The size of the last event dimension (the features of a vector event).</summary>
    public long Features => Event[^1];

    /// <summary>
    /// The features of a vector event, for a step that acts on vectors only.
    /// </summary>
    /// <param name="path">The step's path, named in the error.</param>
    /// <exception cref="GenShapeException">The events are not vectors.</exception>
    public long VectorFeatures(string path) =>
        Event.Count == 1 ? Event[0] : throw new GenShapeException(path, $"this step acts on vector events [features], but the events here have shape {Shape.Format(Event.ToArray())}.");

    /// <inheritdoc/>
    public override string ToString() => ContextFeatures > 0 ? $"{Shape.Format(Event.ToArray())} given [{ContextFeatures}]" : Shape.Format(Event.ToArray());

    /// <summary>
    /// The events as images [C, H, W], for a step that acts on images only.
    /// </summary>
    /// <param name="path">The step's path, named in the error.</param>
    /// <exception cref="GenShapeException">The events are not images.</exception>
    internal ImageShape Image(string path) =>
        Event.Count == 3 ? new ImageShape(Event[0], Event[1], Event[2]) : throw new GenShapeException(path, $"this step acts on image events [C, H, W], but the events here have shape {Shape.Format(Event.ToArray())}.");
}
