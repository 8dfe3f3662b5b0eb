// Lets the netstandard2.0 generator use records and init-only setters; net10.0 has this type built in.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
