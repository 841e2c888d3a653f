"""One screen per module. Import screens from their modules (``screens.login`` …): this
package imports nothing, so the sign-in screen does not pull in the others."""
