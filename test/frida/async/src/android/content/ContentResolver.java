package android.content;

/** A stand-in for the platform class: only its type, as the hooked overload names it. */
public class ContentResolver {}
