using System;
using Gen.Dsl;
using HostileProbes.Harness;
using HostileProbes.Specs;

namespace HostileProbes.Checkpoints;

/// <summary>
/// Judges a read of a hostile file: read without complaint (nothing to refuse: the forgery is still a valid
/// checkpoint), a <see cref="GenCheckpointException"/> (the one exception the readers document) that is clear when it
/// names the file (in <see cref="GenCheckpointException.File"/> and in its message), or anything else (raw).
/// </summary>
internal static class CheckpointJudge
{
    public static Verdict Judge(Action read, string path, string? note = null)
    {
        try
        {
            read();
            return new Verdict(Outcome.Handled, "read without complaint", Note: note);
        }
        catch (GenCheckpointException e)
        {
            bool clear = e.File == path && e.Message.Contains(path, StringComparison.Ordinal);
            return new Verdict(clear ? Outcome.Clear : Outcome.Unclear, (clear ? "" : "(the file is not named) ") + SpecJudge.Shorten(e.Message),
                $"{nameof(GenCheckpointException)}.{e.Error}", Refusal: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return SpecJudge.Raw(e);
        }
    }
}
