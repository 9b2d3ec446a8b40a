import CZlib
public enum ZlibInfo { public static var version: String { String(cString: zlibVersion()) } }
