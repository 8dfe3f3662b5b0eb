namespace ResNetGen.Weights;

/// <summary>
/// The pickle opcodes <see cref="PickleReader"/> accepts (Python's <c>pickletools</c> names, protocols 2 to 5), grouped
/// as the reader handles them. Any other opcode is refused.
/// </summary>
internal static class PickleOpcode
{
    // Framing.
    public const byte Proto = 0x80;
    public const byte Frame = 0x95;
    public const byte Stop = (byte)'.';

    // The stack and its marks.
    public const byte Mark = (byte)'(';
    public const byte Pop = (byte)'0';
    public const byte PopMark = (byte)'1';
    public const byte Dup = (byte)'2';

    // None, booleans and numbers.
    public const byte None = (byte)'N';
    public const byte NewTrue = 0x88;
    public const byte NewFalse = 0x89;
    public const byte BinInt = (byte)'J';
    public const byte BinInt1 = (byte)'K';
    public const byte BinInt2 = (byte)'M';
    public const byte Long1 = 0x8a;
    public const byte Long4 = 0x8b;
    public const byte BinFloat = (byte)'G';

    // Strings and bytes.
    public const byte BinUnicode = (byte)'X';
    public const byte ShortBinUnicode = 0x8c;
    public const byte BinUnicode8 = 0x8d;
    public const byte BinString = (byte)'T';
    public const byte ShortBinString = (byte)'U';
    public const byte ShortBinBytes = (byte)'C';
    public const byte BinBytes = (byte)'B';
    public const byte BinBytes8 = 0x8e;

    // Tuples.
    public const byte EmptyTuple = (byte)')';
    public const byte Tuple1 = 0x85;
    public const byte Tuple2 = 0x86;
    public const byte Tuple3 = 0x87;
    public const byte Tuple = (byte)'t';

    // Lists and dicts.
    public const byte EmptyList = (byte)']';
    public const byte List = (byte)'l';
    public const byte Append = (byte)'a';
    public const byte Appends = (byte)'e';
    public const byte EmptyDict = (byte)'}';
    public const byte Dict = (byte)'d';
    public const byte SetItem = (byte)'s';
    public const byte SetItems = (byte)'u';

    // Globals and calls.
    public const byte Global = (byte)'c';
    public const byte StackGlobal = 0x93;
    public const byte Reduce = (byte)'R';
    public const byte NewObj = 0x81;
    public const byte NewObjEx = 0x92;

    // Object state and persistent ids.
    public const byte Build = (byte)'b';
    public const byte BinPersId = (byte)'Q';

    // The memo.
    public const byte BinPut = (byte)'q';
    public const byte LongBinPut = (byte)'r';
    public const byte Memoize = 0x94;
    public const byte BinGet = (byte)'h';
    public const byte LongBinGet = (byte)'j';
}
