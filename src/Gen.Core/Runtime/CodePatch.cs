using System;
using System.Runtime.InteropServices;

namespace Gen.Runtime;

/// <summary>
/// Writes x64 machine code: a jump over the start of a loaded native function, and pages of code of Gen's own. The
/// quarantines of TorchSharp's native releases (<see cref="ScalarQuarantine"/>, <see cref="TensorQuarantine"/>) use it.
/// </summary>
internal static unsafe class CodePatch
{
    /// <summary>The length of the jump <see cref="TryRedirect"/> writes: <c>movabs rax, target; jmp rax</c>.</summary>
    public const int JumpLength = 12;

    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int ProtExec = 4;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;

    /// <summary>
    /// Finds <paramref name="export"/> in the loaded <c>libLibTorchSharp.so</c> for a redirect that
    /// <paramref name="switchVariable"/> set to 0 turns off; the redirects are made on x64 Linux only.
    /// </summary>
    /// <returns>Null when the function was found, else why there is no redirect.</returns>
    public static string? TryFindGlueFunction(string switchVariable, string export, out IntPtr function)
    {
        function = IntPtr.Zero;
        if (Environment.GetEnvironmentVariable(switchVariable) == "0")
        {
            return $"{switchVariable}=0 turned it off";
        }

        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return "the redirect is made on x64 Linux only";
        }

        var glue = DynamicLoader.TryGetLoaded("libLibTorchSharp.so");
        return glue != IntPtr.Zero && NativeLibrary.TryGetExport(glue, export, out function)
            ? null
            : $"libLibTorchSharp.so is not loaded, or has no {export}";
    }

    /// <summary>
    /// Overwrites the first <see cref="JumpLength"/> bytes of <paramref name="function"/> with a jump to
    /// <paramref name="target"/>, after checking that the function starts with <paramref name="expected"/> (at least as
    /// long as the jump). A call of the function then lands in the target with its arguments and return address intact.
    /// </summary>
    /// <returns>Null when the jump is in place, else why not.</returns>
    public static string? TryRedirect(IntPtr function, ReadOnlySpan<byte> expected, IntPtr target)
    {
        if (expected.Length < JumpLength)
        {
            throw new ArgumentException($"the expected start must cover the {JumpLength} bytes the jump overwrites", nameof(expected));
        }

        var code = new Span<byte>((void*)function, JumpLength);
        if (!new ReadOnlySpan<byte>((void*)function, expected.Length).SequenceEqual(expected))
        {
            return "its first bytes are not the ones of the build Gen knows, so it is left alone";
        }

        Span<byte> jump = stackalloc byte[JumpLength];
        jump[0] = 0x48;
        jump[1] = 0xB8;
        BitConverter.TryWriteBytes(jump.Slice(2, 8), (long)target);
        jump[10] = 0xFF;
        jump[11] = 0xE0;

        long page = Environment.SystemPageSize;
        long start = (long)function & ~(page - 1);
        long end = (long)function + JumpLength;
        var length = (nuint)(end - start);
        // Readable and executable throughout: other functions on the page may run while it is written.
        if (Mprotect((IntPtr)start, length, ProtRead | ProtWrite | ProtExec) != 0)
        {
            return $"its code page could not be made writable (errno {Marshal.GetLastPInvokeError()})";
        }

        jump.CopyTo(code);
        Mprotect((IntPtr)start, length, ProtRead | ProtExec);
        return null;
    }

    /// <summary>Copies <paramref name="code"/> into a page of its own that is then readable and executable, never writable again; zero when no page could be had.</summary>
    public static IntPtr TryPlace(ReadOnlySpan<byte> code)
    {
        var length = (nuint)Math.Max(code.Length, 1);
        var page = Mmap(IntPtr.Zero, length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, IntPtr.Zero);
        if (page == IntPtr.Zero || page == new IntPtr(-1))
        {
            return IntPtr.Zero;
        }

        code.CopyTo(new Span<byte>((void*)page, code.Length));
        return Mprotect(page, length, ProtRead | ProtExec) == 0 ? page : IntPtr.Zero;
    }

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int Mprotect(IntPtr address, nuint length, int protection);

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern IntPtr Mmap(IntPtr address, nuint length, int protection, int flags, int fd, IntPtr offset);
}
