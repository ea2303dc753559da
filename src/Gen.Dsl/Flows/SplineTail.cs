namespace Gen.Dsl;

/// <summary>How much of the data reaches a spline step outside its bound (<see cref="FlowModel.SplineTails"/>).</summary>
/// <param name="Step">The step's path, such as <c>flow.steps[2]</c>.</param>
/// <param name="Bound">The spline's bound B: it acts on [−B, B] and is the identity outside.</param>
/// <param name="OutsideShare">The share of the values reaching the step that lie outside [−B, B].</param>
/// <param name="LargestMagnitude">The largest |value| reaching the step.</param>
public sealed record SplineTail(string Step, double Bound, double OutsideShare, double LargestMagnitude);
