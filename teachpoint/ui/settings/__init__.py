"""The blocks of the settings page (:mod:`teachpoint.ui.settings_page`), one module each.

sources (课程来源), trust (信任的发布者), bandwidth (网速限制), subscriptions (订阅), storage (存储),
inbox (卫星接收文件夹), display (显示), diagnose (诊断); ``common`` holds what they share.
"""
